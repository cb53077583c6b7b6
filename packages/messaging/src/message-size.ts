import type { OutgoingMessage } from './producer';

/** Bytes a record adds to a produce request beyond its key, value and headers (generous). */
const RECORD_OVERHEAD_BYTES = 64;

/** Kafka's refusals that are about the records sent, not the broker's health: resending will not help. */
const RECORD_ERRORS = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE', 'INVALID_TIMESTAMP']);

/** An upper bound of the bytes one message takes in a produce request. */
export function messageSize(message: OutgoingMessage): number {
  let size = RECORD_OVERHEAD_BYTES + Buffer.byteLength(message.key) + Buffer.byteLength(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) size += Buffer.byteLength(name) + Buffer.byteLength(value) + 8;
  return size;
}

/**
 * Splits messages, in order, into requests of at most `maxBytes` each. A message larger
 * than that alone is a request of its own (the caller decides whether to send it).
 */
export function chunkBySize<T extends OutgoingMessage>(messages: T[], maxBytes: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const message of messages) {
    const bytes = messageSize(message);
    if (current.length > 0 && size + bytes > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(message);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** True when the broker refused the records themselves (too large, invalid), whatever wraps the error. */
export function isRecordRefused(error: unknown): boolean {
  return hasKafkaError(error, RECORD_ERRORS);
}

/**
 * True when one of the named Kafka protocol errors is in `error`, in its `cause` chain or
 * in the `errors` of a MultipleErrors: `@platformatic/kafka` reports the name as `apiId`.
 */
export function hasKafkaError(error: unknown, names: ReadonlySet<string>, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const e = error as { apiId?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.apiId === 'string' && names.has(e.apiId)) return true;
  if (hasKafkaError(e.cause, names, depth + 1)) return true;
  return Array.isArray(e.errors) && e.errors.some((inner) => hasKafkaError(inner, names, depth + 1));
}
