import { testDatabaseUrl, type AppName, type TestStack } from '@payhook/testkit';
import { Pool } from 'pg';

/**
 * The bench's own readings of the apps' databases while load runs (backlogs, orders
 * settled), on one small pool per database kept for the run. A connection per reading, as
 * the tests' `stack.count` opens, forks a Postgres backend several times a second: work
 * the bench would take from the machine it measures.
 */
export class Probes {
  private readonly pools = new Map<AppName, Pool>();
  private readonly backends = new Set<number>();
  private taken = 0;

  constructor(private readonly stack: TestStack) {}

  /** Readings run so far: each is a transaction of its own, which the commits per order leave out. */
  get readings(): number {
    return this.taken;
  }

  /** Pids of the Postgres backends serving the readings: their CPU is the bench's, not Payhook's. */
  get backendPids(): ReadonlySet<number> {
    return this.backends;
  }

  async count(app: AppName, sql: string, params: unknown[] = []): Promise<number> {
    this.taken += 1;
    const { rows } = await this.pool(app).query<{ n: string | number }>(sql, params);
    return Number(rows[0].n);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.pools.values()].map((pool) => pool.end()));
    this.pools.clear();
  }

  private pool(app: AppName): Pool {
    let pool = this.pools.get(app);
    if (!pool) {
      pool = new Pool({ connectionString: testDatabaseUrl(this.stack.databaseName(app)), max: 4, idleTimeoutMillis: 0, application_name: 'payhook-bench' });
      // An idle connection's error (a restarted server) must not end the run: the pool replaces it.
      pool.on('error', () => undefined);
      // The backend's pid comes with its key data; a connection the pool drops (a restart)
      // takes its pid out, so the set holds the live ones and a pid reused by an app's
      // backend is not counted as the bench's.
      const pidOf = (client: object) => (client as { processID?: number | null }).processID ?? undefined;
      pool.on('connect', (client) => {
        const pid = pidOf(client);
        if (pid !== undefined) this.backends.add(pid);
      });
      pool.on('remove', (client) => {
        const pid = pidOf(client);
        if (pid !== undefined) this.backends.delete(pid);
      });
      this.pools.set(app, pool);
    }
    return pool;
  }
}
