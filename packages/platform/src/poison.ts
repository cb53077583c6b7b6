import { redactDatabaseText } from './log-safety';
/**
 * Poison isolation: one bad record never fails the batch it came in. A batch that fails is
 * split in halves until the records that fail on their own are found; those are set aside
 * with their reason and every other record goes through. An error that says nothing about
 * the record (the database or the broker is away) fails the whole attempt instead, so the
 * worker backs off and tries again rather than quarantining good records.
 */

/** SQLSTATE classes that mean the server, not the data, is at fault: try again later. */
const TRANSIENT_SQLSTATE_CLASSES = new Set(['08', '53', '57', '58', 'XX']);
/** Single SQLSTATEs that mean "lost a race": the same statement may pass next time. */
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '55P03', '55006']);
const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

/** The SQLSTATE of a pg error, as pg or TypeORM (driverError) carries it. */
export function sqlState(error: unknown): string | undefined {
  const candidate = error as { code?: unknown; driverError?: { code?: unknown } };
  const code = candidate?.driverError?.code ?? candidate?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * True for errors that say nothing about the record being handled: connection trouble,
 * a server shutting down, a deadlock or serialization failure, a timeout. Everything else
 * (a constraint, a value Postgres refuses, an exception thrown by our own code for this
 * input) is about the record and would fail the same way again.
 */
export function isTransientError(error: unknown): boolean {
  const state = sqlState(error);
  if (state) return TRANSIENT_SQLSTATES.has(state) || TRANSIENT_SQLSTATE_CLASSES.has(state.slice(0, 2));
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && TRANSIENT_NODE_CODES.has(code)) return true;
  const message = error instanceof Error ? error.message : String(error);
  // TypeORM's words for a connection lost mid-transaction (terminated, or the pool closing at shutdown).
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connect ECONNREFUSED|Cannot use a pool after calling end|Query read timeout|Query runner already released|query runner was already released/i.test(message);
}

/** A short, single-line reason for the quarantine record and the log. */
export function errorReason(error: unknown): string {
  const state = sqlState(error);
  const message = messageChain(error);
  // A database message may quote the value that failed (a card number, a secret): not kept.
  const reason = state ? `${redactDatabaseText(message)} (SQLSTATE ${state})` : message;
  return reason.replace(/\s+/g, ' ').slice(0, 1000);
}

/** An error's message followed by those of its causes and inner errors (a client's wrapper says little). */
function messageChain(error: unknown, depth = 0): string {
  if (!(error instanceof Error)) return String(error);
  const errors: unknown = (error as Error & { errors?: unknown }).errors;
  const inner = [error.cause, ...(Array.isArray(errors) ? errors : [])];
  const messages = [error.message];
  for (const e of inner.slice(0, 5)) {
    if (e === undefined || depth >= 3) continue;
    const text = messageChain(e, depth + 1);
    if (!messages.includes(text)) messages.push(text);
  }
  return messages.join(': ');
}

export interface IsolationOptions<T> {
  /** Handles a batch as one unit (one transaction, one request); throws if any of it fails. */
  run: (items: T[]) => Promise<void>;
  /** Records one item that fails on its own, with the reason, so it is never tried again by itself. */
  setAside: (item: T, reason: string, error: unknown) => Promise<void>;
  /** Errors that fail the attempt instead of isolating (default: isTransientError). */
  isTransient?: (error: unknown) => boolean;
}

/**
 * Runs `items` as one batch; on a record-level failure, splits it and runs the halves, down
 * to single items, which are set aside. Returns how many were set aside. A transient error
 * is re-thrown at once: what already committed stays committed, the rest comes again.
 */
export async function runIsolated<T>(items: T[], options: IsolationOptions<T>): Promise<number> {
  if (items.length === 0) return 0;
  const isTransient = options.isTransient ?? isTransientError;
  try {
    await options.run(items);
    return 0;
  } catch (error) {
    if (isTransient(error)) throw error;
    if (items.length === 1) {
      await options.setAside(items[0], errorReason(error), error);
      return 1;
    }
    const middle = Math.ceil(items.length / 2);
    const left = await runIsolated(items.slice(0, middle), options);
    return left + (await runIsolated(items.slice(middle), options));
  }
}
