import { withAdminClient } from './postgres';

describe('withAdminClient on real Postgres', () => {
  const serverUrl = process.env.DATABASE_URL as string;

  it('survives its connection being ended by the server while idle (as DROP DATABASE WITH (FORCE) does)', async () => {
    const errors: unknown[] = [];
    const onUncaught = (error: unknown) => errors.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const answer = await withAdminClient(serverUrl, async (client) => {
        const [{ pid }] = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
        await withAdminClient(serverUrl, (other) => other.query('SELECT pg_terminate_backend($1)', [pid]));
        // The server's notice of the termination arrives while this connection has no query.
        await new Promise((resolve) => setTimeout(resolve, 300));
        return 'done';
      });
      expect(answer).toBe('done');
      expect(errors).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
