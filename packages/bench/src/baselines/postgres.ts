import { Pool } from 'pg';

/**
 * Single-row commits per second against the same Postgres with the apps' pool size:
 * each INSERT its own transaction, `poolSize` of them in flight, for `seconds`.
 */
export async function postgresBaseline(options: { databaseUrl: string; poolSize: number; seconds: number }): Promise<number> {
  const pool = new Pool({ connectionString: options.databaseUrl, max: options.poolSize });
  try {
    await pool.query('CREATE TABLE IF NOT EXISTS bench_commits (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), note text)');
    let commits = 0;
    const deadline = performance.now() + options.seconds * 1000;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: options.poolSize }, async () => {
        while (performance.now() < deadline) {
          await pool.query('INSERT INTO bench_commits (note) VALUES ($1)', ['baseline']);
          commits += 1;
        }
      }),
    );
    return (commits * 1000) / (performance.now() - started);
  } finally {
    await pool.end();
  }
}
