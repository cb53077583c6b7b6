/** Kafka's refusals that are about the records sent, not the broker's health: resending will not help. */
const RECORD_ERRORS = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE', 'INVALID_TIMESTAMP']);

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
