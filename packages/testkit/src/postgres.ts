import { Client } from 'pg';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Runs `fn` with a short-lived connection to a database (the server's maintenance one by default). */
export async function withAdminClient<T>(serverUrl: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  // A query's failure reaches the caller through its promise; without a listener, the same
  // error on an idle connection (a database dropped WITH (FORCE) meanwhile) ends the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * The URL of database `name` on `serverUrl`'s server: by default DATABASE_URL's, the one
 * the tests and the stack use. (The apps' own is platform's databaseUrl; the test kit
 * cannot depend on the platform, whose tests use the kit.)
 */
export function testDatabaseUrl(name: string, serverUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** One query in a database on DATABASE_URL's server (the one the tests and the stack use). */
export async function queryDatabase<T = Record<string, unknown>>(database: string, sql: string, params: unknown[] = []): Promise<T[]> {
  return withAdminClient(testDatabaseUrl(database), async (client) => (await client.query(sql, params)).rows as T[]);
}

export async function postgresAnswers(serverUrl: string): Promise<boolean> {
  try {
    await withAdminClient(serverUrl, (c) => c.query('SELECT 1'));
    return true;
  } catch {
    return false;
  }
}

/** Drops every database whose name starts with `prefix` (closing their connections). */
export async function dropDatabases(serverUrl: string, prefix: string): Promise<string[]> {
  return withAdminClient(serverUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE starts_with(datname, $1)",
      [prefix],
    );
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    return rows.map((r) => r.datname);
  });
}
