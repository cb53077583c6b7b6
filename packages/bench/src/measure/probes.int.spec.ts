import { DEFAULT_DATABASE_URL, testDatabaseName, waitFor, withAdminClient, type TestStack } from '@payhook/testkit';
import { Probes } from './probes';

const serverUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
const name = testDatabaseName('bench_probes');
// The probes only ask the stack for its databases' names.
const stack = { databaseName: () => name } as unknown as TestStack;
let probes: Probes | undefined;

beforeAll(() => withAdminClient(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"`)));

afterAll(async () => {
  await probes?.close();
  await withAdminClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
});

it("knows its readings' backends, drops one the server ends, and reads on after it", async () => {
  probes = new Probes(stack);
  const pid = await probes.count('order-service', 'SELECT pg_backend_pid() AS n');
  expect([...probes.backendPids]).toEqual([pid]);

  // A restart ends the idle connection: the pool drops it, its pid with it, and the run goes on.
  await withAdminClient(serverUrl, (client) => client.query('SELECT pg_terminate_backend($1)', [pid]));
  await waitFor(async () => !probes?.backendPids.has(pid), { timeoutMs: 5000, intervalMs: 50, description: 'the ended connection to leave the pool' });

  const next = await probes.count('order-service', 'SELECT pg_backend_pid() AS n');
  expect(next).not.toBe(pid);
  expect([...probes.backendPids]).toEqual([next]);
  expect(probes.readings).toBe(2);
});
