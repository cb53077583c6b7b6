import { createHash } from 'node:crypto';
import { createParamDecorator, Inject, Injectable, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { QueryRunner } from 'typeorm';
import { ApiError } from './errors';
import { retryOnConflict } from './conflict-retry';
import { SPACING_MS } from './spacing';
import { GroupCommit } from './group-commit';
import { batchStatement, Database, statement, type Sql, type Transaction } from './sql';

/** The request's Idempotency-Key header (undefined without one), for every mutating route. */
export const IdempotencyKey = createParamDecorator((_data: unknown, context: ExecutionContext): string | undefined => {
  const value = context.switchToHttp().getRequest<FastifyRequest>().headers['idempotency-key'];
  return Array.isArray(value) ? value.join(', ') : value;
});

/** The table IdempotencyKeys works on; each app's migrations create it with this. */
export async function createIdempotencyKeysTable(db: QueryRunner): Promise<void> {
  await db.query(`
    CREATE TABLE idempotency_keys (
      key text PRIMARY KEY,
      request_hash text NOT NULL,
      response_status integer,
      response_body jsonb,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
}

/** A key left without an answer this long (its process died mid-request) may be taken again. */
const ABANDONED_AFTER_SECONDS = 300;

export interface StoredResponse<T> {
  status: number;
  body: T;
  replayed: boolean;
}

/** Takes the keys not taken yet, locking them in key order (so two groups never deadlock); returns those it took. */
const INSERT_KEYS = statement(
  'idempotency.insert',
  `INSERT INTO idempotency_keys (key, request_hash)
   SELECT * FROM unnest($1::text[], $2::text[]) AS k (key, request_hash) ORDER BY key
   ON CONFLICT (key) DO NOTHING RETURNING key`,
);
const READ_KEYS = batchStatement('idempotency.read', 'SELECT key, request_hash, response_status, response_body FROM idempotency_keys WHERE key = ANY($1)');
/** Claims a new key, or one abandoned by a crash ($3 seconds without an answer). */
const CLAIM_KEY = statement(
  'idempotency.claim',
  `INSERT INTO idempotency_keys (key, request_hash) VALUES ($1, $2)
   ON CONFLICT (key) DO UPDATE SET created_at = now()
     WHERE idempotency_keys.response_status IS NULL AND idempotency_keys.request_hash = EXCLUDED.request_hash
       AND idempotency_keys.created_at < now() - $3 * interval '1 second'
   RETURNING key`,
);
const RELEASE_KEY = statement('idempotency.release', 'DELETE FROM idempotency_keys WHERE key = $1 AND response_status IS NULL');
const STORE_ANSWERS = batchStatement(
  'idempotency.store',
  `UPDATE idempotency_keys k SET response_status = a.status, response_body = a.body
   FROM unnest($1::text[], $2::int[], $3::jsonb[]) AS a (key, status, body) WHERE k.key = a.key`,
);

interface KeyRow {
  key: string;
  request_hash: string;
  response_status: number | null;
  response_body: unknown;
}

/** A stable hash of a JSON value: key order does not matter. */
export function requestHash(value: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]))
        : v;
  return createHash('sha256').update(JSON.stringify(canonical(value))).digest('hex');
}

/** One request's work, with its key and the hash of its request (none without a key). */
interface KeyedWork<T> {
  key?: string;
  hash?: string;
  work: (tx: Sql) => Promise<{ status: number; body: T }>;
}

/** Requests whose work goes into one grouped transaction at most; more wait for the next. */
const MAX_GROUP = 100;

/**
 * Idempotency-Key handling (each app has an `idempotency_keys` table in its migrations). The key row is inserted in the same transaction as the work,
 * so a concurrent duplicate blocks on it, then sees the first answer; a key reused with
 * another body is refused with 422. A transaction that loses a deadlock or serialization
 * race is run again (retryOnConflict), so a management call answers rather than 500.
 *
 * A hot route may ask for its requests to be grouped: those that arrive while a grouped
 * transaction commits share the next one (GroupCommit), their keys taken in key order so
 * two groups never deadlock, all of them in one statement and their answers stored in
 * another; a second request with a key already in the group replays the first's answer,
 * and one that fails on its own is answered alone while the rest commit.
 */
@Injectable()
export class IdempotencyKeys {
  private readonly group = new GroupCommit<KeyedWork<unknown>, StoredResponse<unknown>>(
    (requests) => this.database.transaction((tx) => this.runAll(tx, requests)),
    // Up to 20 ms more under load for an answer, for far fewer transactions.
    { maxBatch: MAX_GROUP, spacingMs: SPACING_MS.offPath },
  );

  constructor(@Inject(Database) private readonly database: Database) {}

  async run<T>(
    key: string | undefined,
    request: unknown,
    work: (tx: Sql) => Promise<{ status: number; body: T }>,
    options: { grouped?: boolean } = {},
  ): Promise<StoredResponse<T>> {
    const keyed: KeyedWork<T> = { key, hash: key === undefined ? undefined : this.checkedHash(key, request), work };
    if (options.grouped) return retryOnConflict(() => this.group.add(keyed) as Promise<StoredResponse<T>>);
    return retryOnConflict(async () => (await this.database.transaction((tx) => this.runAll(tx, [keyed])))[0] as StoredResponse<T>);
  }

  /**
   * Requests' work in one transaction: their keys are taken in one statement and their
   * answers stored in one. A key answered before replays that answer (422 for another
   * body, 409 while it has no answer yet); a key twice in the group runs once, and its
   * later copies replay the first's answer. Every request is let finish before the first
   * failure is thrown, so none sends a statement after the transaction has ended.
   */
  private async runAll(tx: Transaction, requests: Array<KeyedWork<unknown>>): Promise<Array<StoredResponse<unknown>>> {
    const hashOf = new Map<string, string>();
    for (const { key, hash } of requests) if (key !== undefined && !hashOf.has(key)) hashOf.set(key, hash as string);
    const keys = [...hashOf.keys()];
    const taken = new Set<string>();
    if (keys.length > 0) for (const row of await tx.rows<{ key: string }>(INSERT_KEYS, [keys, keys.map((key) => hashOf.get(key))])) taken.add(row.key);
    const earlier = keys.length > taken.size ? await tx.rows<KeyRow>(READ_KEYS, [keys.filter((key) => !taken.has(key))]) : [];
    const answered = new Map(earlier.map((row) => [row.key, row]));
    const firsts = new Map<string, Promise<{ status: number; body: unknown }>>();
    const settled = await Promise.allSettled(
      requests.map(async ({ key, hash, work }): Promise<StoredResponse<unknown>> => {
        if (key === undefined) return { ...(await work(tx)), replayed: false };
        if (!taken.has(key)) return { ...earlierAnswer(answered.get(key), hash as string), replayed: true };
        const first = firsts.get(key);
        if (first === undefined) {
          const run = work(tx);
          firsts.set(key, run);
          return { ...(await run), replayed: false };
        }
        const answer = await first;
        if (hashOf.get(key) !== hash) throw keyReused();
        return { ...answer, replayed: true };
      }),
    );
    const failed = settled.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    const firstAnswers = await Promise.all([...firsts].map(async ([key, run]) => ({ key, ...(await run) })));
    await tx.commit(storeAnswers(tx, firstAnswers));
    return settled.map((outcome) => (outcome as PromiseFulfilledResult<StoredResponse<unknown>>).value);
  }

  /**
   * `run` for a route: `request` names the route and its parameters as well as the body (the
   * same key on another payment is another request), the answer's status is set, and a
   * replay is marked with `Idempotent-Replayed: true`.
   */
  async respond<T>(
    response: FastifyReply,
    key: string | undefined,
    request: Record<string, unknown>,
    status: number,
    work: (tx: Sql) => Promise<T>,
    options: { grouped?: boolean } = {},
  ): Promise<T> {
    const result = await this.run(key, request, async (tx) => ({ status, body: await work(tx) }), options);
    response.status(result.status);
    if (result.replayed) response.header('Idempotent-Replayed', 'true');
    return result.body;
  }

  /**
   * For work that makes a network call, which must not run inside a transaction holding
   * the key's row lock: the key is claimed and committed first, the work runs, and its
   * answer is stored after. A second request with the key while the first runs gets 409
   * `idempotency_key_in_use`; a key whose work failed is released; one abandoned by a
   * crash may be taken again after ABANDONED_AFTER_SECONDS.
   */
  async respondAround<T>(
    response: FastifyReply,
    key: string | undefined,
    request: Record<string, unknown>,
    status: number,
    work: () => Promise<T>,
  ): Promise<T> {
    if (key === undefined) {
      response.status(status);
      return work();
    }
    const hash = this.checkedHash(key, request);
    const claimed = await this.database.row(CLAIM_KEY, [key, hash, ABANDONED_AFTER_SECONDS]);
    if (!claimed) {
      const previous = earlierAnswer(await this.database.row<KeyRow>(READ_KEYS, [[key]]), hash);
      response.status(previous.status);
      response.header('Idempotent-Replayed', 'true');
      return previous.body as T;
    }
    let body: T;
    try {
      body = await work();
    } catch (error) {
      await this.database.count(RELEASE_KEY, [key]);
      throw error;
    }
    await storeAnswers(this.database, [{ key, status, body }]);
    response.status(status);
    return body;
  }

  private checkedHash(key: string, request: unknown): string {
    if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
      throw new ApiError(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1 to 255 visible ASCII characters.');
    }
    return requestHash(request);
  }
}

const keyReused = () => new ApiError(422, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request body.');

/**
 * The answer a key already taken gives a request with `hash`: 422 for another body, 409 while
 * the key has no answer yet (its request still running, or the row gone since it was seen).
 */
function earlierAnswer(previous: KeyRow | undefined, hash: string): { status: number; body: unknown } {
  if (previous && previous.request_hash !== hash) throw keyReused();
  if (!previous || previous.response_status === null) {
    throw new ApiError(409, 'idempotency_key_in_use', 'A request with this Idempotency-Key is still in progress; try again shortly.');
  }
  return { status: previous.response_status, body: previous.response_body };
}

async function storeAnswers(sql: Sql, answers: Array<{ key: string; status: number; body: unknown }>): Promise<void> {
  if (answers.length === 0) return;
  await sql.count(STORE_ANSWERS, [
    answers.map((a) => a.key),
    answers.map((a) => a.status),
    answers.map((a) => (a.body === undefined ? null : JSON.stringify(a.body))),
  ]);
}
