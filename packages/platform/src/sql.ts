import { Pool, type PoolClient, type QueryResultRow } from 'pg';
import { CoalescingSocket } from './coalescing-socket';
import { sqlState } from './poison';

/**
 * A named statement. Postgres parses and plans it once per connection; afterwards only
 * its parameters travel. Every store module declares its statements with `statement`, or
 * `batchStatement` for those that find rows by a batch of keys.
 */
export interface Statement {
  readonly name: string;
  readonly text: string;
  /** Kept prepared on each connection (its plan cached), or planned on every run. */
  readonly prepared: boolean;
}

const declared = new Map<string, string>();

function declare(name: string, text: string, prepared: boolean): Statement {
  const known = declared.get(name);
  if (known !== undefined && known !== text) throw new Error(`statement "${name}" is declared twice with different text`);
  declared.set(name, text);
  return { name, text, prepared };
}

/** Declares a statement; a name declared twice with two texts is a bug, caught at load time. */
export function statement(name: string, text: string): Statement {
  return declare(name, text, true);
}

/**
 * Declares a statement that finds rows of a growing table by a batch of keys (`= ANY($1)`,
 * a join against `unnest`, a claim). It is planned on every run, never from a cached
 * plan: a plan cached while the table was nearly empty (a hash join over a sequential scan
 * of it) stays with the connection and costs more with every row the table gains. The
 * planning is shared by the batch's rows.
 */
export function batchStatement(name: string, text: string): Statement {
  return declare(name, text, false);
}

/** What store functions run statements on: a transaction, or the pool (each statement its own commit). */
export interface Sql {
  rows<R extends QueryResultRow>(statement: Statement, values?: readonly unknown[]): Promise<R[]>;
  /** The first row, if any. */
  row<R extends QueryResultRow>(statement: Statement, values?: readonly unknown[]): Promise<R | undefined>;
  /** How many rows the statement changed. */
  count(statement: Statement, values?: readonly unknown[]): Promise<number>;
  /**
   * Runs a statement whose every parameter is an array with one element per row (`unnest`),
   * an insert. In a transaction, the calls of one statement issued in the same pass (the
   * requests of a group commit, each adding its rows) are sent as one statement, their
   * arrays joined: one execution instead of one per request. Each call resolves with every
   * row the joined statement returned (a caller picks its own by key); if it fails, every
   * call fails, as their transaction does.
   */
  batched<R extends QueryResultRow>(statement: Statement, columns: ReadonlyArray<readonly unknown[]>): Promise<R[]>;
}

/** A transaction's handle: its statements, and its COMMIT sent along with the last of them. */
export interface Transaction extends Sql {
  /**
   * Sends COMMIT at once, pipelined behind `last` (the transaction's last statements, just
   * issued), so they and the commit share one round trip instead of taking two; returns
   * `last`. The transaction has then ended: a later statement is refused. If one of them
   * fails, the COMMIT only ends the failed transaction (Postgres rolls it back) and `last`
   * rejects with that statement's error. Nothing that can fail may follow but awaiting
   * `last`: what is committed stays committed.
   */
  commit<T>(last: Promise<T>): Promise<T>;
}

type Queryable = Pick<PoolClient, 'query'>;

/** A failed statement's error says which statement it was (its text has no values: they travel apart). */
function named(error: unknown, statement: Statement): unknown {
  if (error && typeof error === 'object' && !('statement' in error)) Object.assign(error, { statement: statement.name, query: statement.text });
  return error;
}

/** SQLSTATE 25P02: the transaction failed earlier, so this statement was not run. */
const IN_FAILED_TRANSACTION = '25P02';

class StatementRunner implements Transaction {
  /**
   * In a transaction, its first failed statement. Statements sent after it (pipelined)
   * fail only because it did, so they report its error: whichever promise a caller's
   * Promise.all settles on first, it sees the cause, not "transaction is aborted".
   */
  private failure?: unknown;
  /** Set once its transaction has ended: a statement sent then would run outside it, on its own. */
  ended = false;
  /** The COMMIT sent by `commit()`, if it was. */
  committed?: Promise<unknown>;
  /** Batched calls not sent yet, by statement: their rows, joined, and who waits for them. */
  private readonly gathering = new Map<Statement, { columns: unknown[][]; waiters: Array<{ resolve: (rows: QueryResultRow[]) => void; reject: (error: unknown) => void }> }>();

  constructor(
    private readonly target: Queryable,
    private readonly inTransaction: boolean,
  ) {}

  async rows<R extends QueryResultRow>(statement: Statement, values: readonly unknown[] = []): Promise<R[]> {
    return (await this.run<R>(statement, values)).rows;
  }

  async row<R extends QueryResultRow>(statement: Statement, values: readonly unknown[] = []): Promise<R | undefined> {
    return (await this.rows<R>(statement, values))[0];
  }

  async count(statement: Statement, values: readonly unknown[] = []): Promise<number> {
    return (await this.run(statement, values)).rowCount ?? 0;
  }

  batched<R extends QueryResultRow>(statement: Statement, columns: ReadonlyArray<readonly unknown[]>): Promise<R[]> {
    if (!this.inTransaction) return this.rows<R>(statement, columns);
    let gathered = this.gathering.get(statement);
    if (gathered === undefined) {
      gathered = { columns: columns.map((column) => [...column]), waiters: [] };
      this.gathering.set(statement, gathered);
      // Once the current pass has issued its calls; still in the same write as its other statements.
      if (this.gathering.size === 1) queueMicrotask(() => this.sendGathered());
    } else {
      gathered.columns.forEach((column, i) => {
        for (const value of columns[i]) column.push(value);
      });
    }
    const { waiters } = gathered;
    return new Promise<R[]>((resolve, reject) => waiters.push({ resolve: (rows) => resolve(rows as R[]), reject }));
  }

  /** Sends the batched calls gathered so far, one statement each (before a COMMIT, too). */
  sendGathered(): void {
    for (const [statement, { columns, waiters }] of this.gathering) {
      this.run(statement, columns).then(
        ({ rows }) => waiters.forEach((waiter) => waiter.resolve(rows)),
        (error: unknown) => waiters.forEach((waiter) => waiter.reject(error)),
      );
    }
    this.gathering.clear();
  }

  commit<T>(last: Promise<T>): Promise<T> {
    if (this.inTransaction && !this.ended) {
      this.sendGathered();
      this.ended = true;
      this.committed = this.target.query('COMMIT');
      // Awaited by the transaction; a failure before then must not go unhandled.
      this.committed.catch(() => undefined);
    }
    return last;
  }

  private run<R extends QueryResultRow>(statement: Statement, values: readonly unknown[]) {
    if (this.ended) return Promise.reject(new Error(`statement "${statement.name}" was issued after its transaction ended`));
    // Unnamed, a statement is parsed and planned for the values it runs with.
    const name = statement.prepared ? statement.name : undefined;
    return this.target.query<R>({ name, text: statement.text, values: values as unknown[] }).catch((error: unknown) => {
      if (!this.inTransaction) throw named(error, statement);
      if (this.failure !== undefined && sqlState(error) === IN_FAILED_TRANSACTION) throw this.failure;
      this.failure ??= named(error, statement);
      throw error;
    });
  }
}

export interface PoolOptions {
  url: string;
  poolSize: number;
}

/**
 * The store layer's handle on Postgres: a pg pool in pipeline mode on coalescing sockets,
 * so a transaction's BEGIN travels with its first statement and statements issued
 * together share one write and one round trip. A unit of work checks one connection out
 * (transaction) and gives it back once.
 */
export class Database implements Sql {
  private readonly pool: Pool;
  private readonly direct: StatementRunner;

  constructor(options: PoolOptions) {
    this.pool = new Pool({
      connectionString: options.url,
      max: options.poolSize,
      connectionTimeoutMillis: 5000,
      pipeline: true,
      // What a unit of work sends in one turn of the event loop leaves in one write.
      stream: () => new CoalescingSocket(),
      // A connection's cached plans may have been made while a table was nearly empty (at
      // start) and stay for its life: connections are renewed every 10 minutes, and the
      // statements whose plans that hurts most are not cached (batchStatement). Planning
      // every execution of every statement (plan_cache_mode=force_custom_plan) cost
      // Postgres 1.5 ms of CPU per order in the bench (docs/benchmarks.md).
      maxLifetimeSeconds: 600,
      // A connection idle for a minute closes (pg's default is 10 s). A new one costs
      // Postgres a backend start and a cold plan and catalog cache: in the bench, pools
      // emptied by a 10 s pause reopened 14 connections in the first second of load and
      // its latency tail came from there.
      idleTimeoutMillis: 60_000,
    });
    // An idle client's error (a restarted server) must not crash the process; the pool replaces it.
    this.pool.on('error', () => undefined);
    this.direct = new StatementRunner(this.pool, false);
  }

  rows<R extends QueryResultRow>(statement: Statement, values?: readonly unknown[]): Promise<R[]> {
    return this.direct.rows<R>(statement, values);
  }

  row<R extends QueryResultRow>(statement: Statement, values?: readonly unknown[]): Promise<R | undefined> {
    return this.direct.row<R>(statement, values);
  }

  count(statement: Statement, values?: readonly unknown[]): Promise<number> {
    return this.direct.count(statement, values);
  }

  batched<R extends QueryResultRow>(statement: Statement, columns: ReadonlyArray<readonly unknown[]>): Promise<R[]> {
    return this.direct.batched<R>(statement, columns);
  }

  /**
   * Runs `work` in one transaction on one connection; commits if it resolves (or with its
   * last statements, `tx.commit(last)`), rolls back if it throws. `durable: false` commits
   * without waiting for the WAL flush: only for soft state whose loss in a server crash
   * costs a repeat, never a loss (a lease, say).
   */
  async transaction<T>(work: (tx: Transaction) => Promise<T>, options: { durable?: boolean } = {}): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    // The server may end the connection while it is checked out (a restart, an
    // administrator): the statement in flight fails, and the event must not crash the process.
    const onError = (error: Error) => (broken = error);
    client.on('error', onError);
    try {
      // Not awaited on their own: in pipeline mode they go out with the first statement.
      const begin = Promise.all([client.query('BEGIN'), ...(options.durable === false ? [client.query('SET LOCAL synchronous_commit = off')] : [])]);
      begin.catch(() => undefined);
      const runner = new StatementRunner(client, true);
      const result = await work(runner).finally(() => {
        // A batched call the work did not wait for still runs inside the transaction.
        runner.sendGathered();
        runner.ended = true;
      });
      await begin;
      await (runner.committed ?? client.query('COMMIT'));
      return result;
    } catch (error) {
      // After a COMMIT sent early this only ends what is left: a failed transaction, or none (a warning).
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    } finally {
      client.removeListener('error', onError);
      // A connection that broke or could not roll back is closed rather than reused.
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }
}
