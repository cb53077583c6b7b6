import { DEFAULT_DATABASE_URL, testDatabaseName, testDatabaseUrl, withAdminClient, type AppName, type TestStack } from '@payhook/testkit';
import { Client } from 'pg';
import { BacklogReader } from './backlog';
import { Probes } from './probes';

const serverUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
const names: Record<AppName, string> = {
  'payment-service': testDatabaseName('bench_backlog_payments'),
  'webhook-dispatcher': testDatabaseName('bench_backlog_dispatcher'),
  'order-service': testDatabaseName('bench_backlog_orders'),
};
// The reader asks the stack only for its databases' names; each holds the tables it reads.
const stack = { databaseName: (app: AppName) => names[app] } as unknown as TestStack;
const tables: Record<AppName, string[]> = {
  'payment-service': ['CREATE TABLE events (global_position bigserial PRIMARY KEY)', 'CREATE TABLE outbox (id int)', 'CREATE TABLE processing_jobs (id int)'],
  'webhook-dispatcher': ['CREATE TABLE events (seq bigserial UNIQUE)', 'CREATE TABLE deliveries (status text)'],
  'order-service': ['CREATE TABLE payment_requests (id int)', 'CREATE TABLE orders (status text)'],
};
let probes: Probes | undefined;

async function run(app: AppName, ...statements: string[]): Promise<void> {
  const client = new Client({ connectionString: testDatabaseUrl(names[app]) });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await withAdminClient(serverUrl, async (client) => {
    for (const name of Object.values(names)) await client.query(`CREATE DATABASE "${name}"`);
  });
  for (const app of Object.keys(names) as AppName[]) await run(app, ...tables[app]);
});

afterAll(async () => {
  await probes?.close();
  await withAdminClient(serverUrl, async (client) => {
    for (const name of Object.values(names)) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
});

it('counts the events in flight from the rows after its mark, as a full count would', async () => {
  probes = new Probes(stack);
  const reader = new BacklogReader(probes);
  // Three events published, two taken in by the dispatcher: one on its way, in the mark's full counts.
  await run('payment-service', 'INSERT INTO events DEFAULT VALUES', 'INSERT INTO events DEFAULT VALUES', 'INSERT INTO events DEFAULT VALUES');
  await run('webhook-dispatcher', 'INSERT INTO events DEFAULT VALUES', 'INSERT INTO events DEFAULT VALUES');
  await reader.markAtRest();
  expect((await reader.read())['kafka → dispatcher']).toBe(1);

  // Four more committed, one of them still in the outbox, one more taken in: three are on their way.
  await run('payment-service', ...Array<string>(4).fill('INSERT INTO events DEFAULT VALUES'), 'INSERT INTO outbox VALUES (1)');
  await run('webhook-dispatcher', 'INSERT INTO events DEFAULT VALUES');
  await run('webhook-dispatcher', "INSERT INTO deliveries VALUES ('pending'), ('pending'), ('delivered')");
  await run('order-service', 'INSERT INTO payment_requests VALUES (1)', "INSERT INTO orders VALUES ('pending_payment'), ('paid')");
  const expected = { 'payment requests': 1, 'payment processing': 0, 'payment outbox': 1, 'kafka → dispatcher': 3, 'webhook deliveries': 2, 'orders unsettled': 1 };
  expect(await reader.read()).toEqual(expected);

  // A mark moved on with everything committed changes nothing: it only narrows what a reading scans.
  await reader.markAtRest();
  expect(await reader.read()).toEqual(expected);
});
