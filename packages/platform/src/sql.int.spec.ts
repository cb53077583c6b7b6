import { DEFAULT_DATABASE_URL, testDatabaseName, withAdminClient } from '@payhook/testkit';
import { databaseUrl, ensureDatabase } from './database';
import { batchStatement, Database, statement } from './sql';

const serverUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
const name = testDatabaseName('platform_sql');
let database: Database;

const CREATE = statement('sql-spec.create', 'CREATE TABLE IF NOT EXISTS items (id int PRIMARY KEY, label text NOT NULL)');
const INSERT = statement('sql-spec.insert', 'INSERT INTO items (id, label) VALUES ($1, $2)');
const ALL = statement('sql-spec.all', 'SELECT id, label FROM items ORDER BY id');
const PREPARED = statement('sql-spec.prepared', "SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name = 'sql-spec.all'");
const BACKEND = statement('sql-spec.backend', 'SELECT pg_backend_pid() AS pid');
const INSERT_ROWS = statement('sql-spec.insert-rows', 'INSERT INTO items (id, label) SELECT * FROM unnest($1::int[], $2::text[]) RETURNING id');
/** Rows written by one statement share its command id (cmin): how many statements wrote the rows. */
const WRITES = statement('sql-spec.writes', 'SELECT count(DISTINCT cmin::text)::int AS n FROM items');

beforeAll(async () => {
  await ensureDatabase(serverUrl, name);
  database = new Database({ url: databaseUrl(serverUrl, name), poolSize: 2 });
  await database.count(CREATE);
});

afterAll(async () => {
  await database?.close();
  await withAdminClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
});

beforeEach(() => database.transaction(async (tx) => void (await tx.rows(statement('sql-spec.clear', 'DELETE FROM items')))));

it('commits a transaction whose work resolves, with its statements issued together', async () => {
  await database.transaction((tx) => Promise.all([tx.count(INSERT, [1, 'one']), tx.count(INSERT, [2, 'two'])]));
  expect(await database.rows(ALL)).toEqual([
    { id: 1, label: 'one' },
    { id: 2, label: 'two' },
  ]);
});

it('rolls the whole transaction back when its work throws, and the connection stays usable', async () => {
  await expect(
    database.transaction(async (tx) => {
      await tx.count(INSERT, [1, 'one']);
      await tx.count(INSERT, [1, 'again']); // 23505
    }),
  ).rejects.toMatchObject({ code: '23505', statement: 'sql-spec.insert', query: INSERT.text });
  expect(await database.rows(ALL)).toEqual([]);
  await database.transaction((tx) => tx.count(INSERT, [3, 'three']));
  expect(await database.rows(ALL)).toEqual([{ id: 3, label: 'three' }]);
});

it('reports a transaction\'s first failure from the statements sent after it, not "transaction is aborted"', async () => {
  const outcomes = await database
    .transaction((tx) => Promise.allSettled([tx.count(INSERT, [1, 'one']), tx.count(INSERT, [1, 'again']), tx.rows(ALL)]).then((settled) => { throw settled; }))
    .catch((settled: Array<PromiseSettledResult<unknown>>) => settled);
  const [, conflict, after] = outcomes as Array<PromiseRejectedResult>;
  expect(conflict.reason).toMatchObject({ code: '23505', statement: 'sql-spec.insert' });
  expect(after.reason).toBe(conflict.reason);
});

it('commits with the last statements when asked (one round trip), and refuses a statement after that', async () => {
  const counted = await database.transaction((tx) => tx.commit(Promise.all([tx.count(INSERT, [1, 'one']), tx.count(INSERT, [2, 'two'])])));
  expect(counted).toEqual([1, 1]);
  expect(await database.rows(ALL)).toEqual([
    { id: 1, label: 'one' },
    { id: 2, label: 'two' },
  ]);
  await expect(
    database.transaction(async (tx) => {
      await tx.commit(tx.count(INSERT, [3, 'three']));
      await tx.rows(ALL);
    }),
  ).rejects.toThrow('issued after its transaction ended');
  // Committed with its last statement: what followed cannot undo it.
  expect(await database.rows(ALL)).toHaveLength(3);
});

it('rolls back when a statement sent with the commit fails, and the connection stays usable', async () => {
  await expect(
    database.transaction((tx) => tx.commit(Promise.all([tx.count(INSERT, [1, 'one']), tx.count(INSERT, [1, 'again'])]))),
  ).rejects.toMatchObject({ code: '23505', statement: 'sql-spec.insert' });
  expect(await database.rows(ALL)).toEqual([]);
  await database.transaction((tx) => tx.commit(tx.count(INSERT, [4, 'four'])));
  expect(await database.rows(ALL)).toEqual([{ id: 4, label: 'four' }]);
});

it('runs a transaction on one connection, where its statements stay prepared', async () => {
  const pids = await database.transaction(async (tx) => {
    await tx.rows(ALL);
    const [first, prepared, second] = await Promise.all([tx.row<{ pid: number }>(BACKEND), tx.row<{ n: number }>(PREPARED), tx.row<{ pid: number }>(BACKEND)]);
    expect(prepared?.n).toBe(1);
    return [first?.pid, second?.pid];
  });
  expect(pids[0]).toBe(pids[1]);
});

it('plans a batch statement on every run (never prepared), and keeps a statement prepared', async () => {
  const BY_IDS = batchStatement('sql-spec.by-ids', 'SELECT id, label FROM items WHERE id = ANY($1) ORDER BY id');
  const CACHED = statement('sql-spec.cached-by-ids', 'SELECT id, label FROM items WHERE id = ANY($1) ORDER BY id');
  const KNOWN = statement('sql-spec.known', 'SELECT name FROM pg_prepared_statements WHERE name IN ($1, $2)');
  const known = await database.transaction(async (tx) => {
    expect(await tx.rows(BY_IDS, [[1, 2]])).toEqual([]);
    expect(await tx.rows(CACHED, [[1, 2]])).toEqual([]);
    await tx.count(INSERT, [2, 'two']);
    expect(await tx.rows(BY_IDS, [[1, 2]])).toEqual([{ id: 2, label: 'two' }]);
    expect(await tx.rows(CACHED, [[1, 2]])).toEqual([{ id: 2, label: 'two' }]);
    return tx.rows<{ name: string }>(KNOWN, [BY_IDS.name, CACHED.name]);
  });
  expect(known).toEqual([{ name: CACHED.name }]);
});

it('commits soft state without waiting for the WAL flush when asked, and only then', async () => {
  const SETTING = statement('sql-spec.setting', "SELECT current_setting('synchronous_commit') AS value");
  expect(await database.transaction((tx) => tx.row<{ value: string }>(SETTING), { durable: false })).toEqual({ value: 'off' });
  expect(await database.transaction((tx) => tx.row<{ value: string }>(SETTING))).toEqual({ value: 'on' });
});

it('survives its connection being ended mid-transaction (a database restart): the work fails, the process and the pool do not', async () => {
  await expect(
    database.transaction(async (tx) => {
      const me = await tx.row<{ pid: number }>(BACKEND);
      await withAdminClient(serverUrl, (client) => client.query('SELECT pg_terminate_backend($1)', [me?.pid]));
      // The connection's error event arrives while it is checked out.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await tx.rows(ALL);
    }),
  ).rejects.toThrow();
  expect(await database.rows(ALL)).toEqual([]);
});

it('sends the batched calls of one pass as one statement, their rows joined, and each call gets every returned row', async () => {
  const [returned, writes] = await database.transaction(async (tx) => {
    const calls = await Promise.all([tx.batched<{ id: number }>(INSERT_ROWS, [[1], ['one']]), tx.batched(INSERT_ROWS, [[2, 3], ['two', 'three']]), tx.batched(INSERT_ROWS, [[4], ['four']])]);
    return [calls, await tx.row<{ n: number }>(WRITES)] as const;
  });
  expect(writes).toEqual({ n: 1 });
  for (const rows of returned) expect(rows.map((row) => row.id)).toEqual([1, 2, 3, 4]);
  expect((await database.rows(ALL)).map((row) => row.label)).toEqual(['one', 'two', 'three', 'four']);
});

it("fails every batched call of the pass when one call's row fails, and the transaction rolls back", async () => {
  const outcomes = await database
    .transaction((tx) => Promise.allSettled([tx.batched(INSERT_ROWS, [[1], ['one']]), tx.batched(INSERT_ROWS, [[1], ['again']])]).then((settled) => { throw settled; }))
    .catch((settled: Array<PromiseSettledResult<unknown>>) => settled);
  expect(outcomes).toEqual([
    { status: 'rejected', reason: expect.objectContaining({ code: '23505', statement: 'sql-spec.insert-rows' }) },
    { status: 'rejected', reason: expect.objectContaining({ code: '23505', statement: 'sql-spec.insert-rows' }) },
  ]);
  expect(await database.rows(ALL)).toEqual([]);
});

it('sends batched calls still gathering before a COMMIT sent with the last statements, inside the transaction', async () => {
  await database.transaction(async (tx) => {
    const gathered = tx.batched(INSERT_ROWS, [[1], ['one']]);
    return tx.commit(Promise.all([gathered, tx.count(INSERT, [2, 'two'])]));
  });
  expect(await database.rows(ALL)).toEqual([
    { id: 1, label: 'one' },
    { id: 2, label: 'two' },
  ]);
});

it('runs a batched call outside a transaction at once, on its own', async () => {
  expect(await database.batched(INSERT_ROWS, [[5, 6], ['five', 'six']])).toEqual([{ id: 5 }, { id: 6 }]);
  expect(await database.rows(ALL)).toEqual([
    { id: 5, label: 'five' },
    { id: 6, label: 'six' },
  ]);
});

it('refuses one name for two statements', () => {
  expect(() => statement('sql-spec.all', 'SELECT 1')).toThrow('declared twice');
  expect(statement('sql-spec.all', ALL.text)).toEqual(ALL);
});
