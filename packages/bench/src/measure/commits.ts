import { DEFAULT_DATABASE_URL, withAdminClient } from '@payhook/testkit';

/**
 * Transactions committed so far in the given databases, per Postgres' statistics. Read
 * from the maintenance database so the reading itself is not counted. Backends flush
 * their counts within about 10 s of going idle, so read only after the stack has rested.
 */
export async function committedTransactions(databases: string[]): Promise<number> {
  return withAdminClient(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL, async (client) => {
    await client.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await client.query<{ n: string }>('SELECT COALESCE(sum(xact_commit), 0) AS n FROM pg_stat_database WHERE datname = ANY($1)', [databases]);
    return Number(rows[0].n);
  });
}
