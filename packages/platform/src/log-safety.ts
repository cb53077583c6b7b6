import pino from 'pino';

/**
 * What a log line may say about a failed statement. A database error carries the values
 * that failed with it: TypeORM's QueryFailedError keeps the statement's bound `parameters`
 * (webhook secrets, card numbers), Postgres's `detail` quotes the failing row ("Failing row
 * contains (…)", "Key (secret)=(…) already exists") and some messages quote the bad value
 * ('invalid input syntax for type integer: "4242…"'). Logged errors keep the statement,
 * the SQLSTATE, the table, column and constraint names and the start of the message,
 * never the values.
 */
const REDACTED = '[redacted]';
const DROPPED_FIELDS = ['parameters', 'detail', 'where', 'hint', 'internalQuery'];

/**
 * A Postgres message without what it quotes (a relation, a constraint or a value, which may
 * hold anything): 'value "3000000000" is out of range for type integer' becomes 'value
 * [redacted] is out of range for type integer'. Only the words before the first quote and
 * after the last are kept, and those after only if they hold no digit. The statement, the
 * SQLSTATE and the table, column and constraint fields say the rest.
 */
export function redactDatabaseText(text: string): string {
  const first = text.search(/["(]/);
  if (first === -1) return text;
  const tail = text.slice(Math.max(text.lastIndexOf('"'), text.lastIndexOf(')')) + 1);
  return `${text.slice(0, first)}${REDACTED}${/\d/.test(tail) ? '' : tail}`;
}

function isDatabaseError(error: Record<string, unknown>): boolean {
  return (typeof error.code === 'string' && /^[0-9A-Z]{5}$/.test(error.code)) || 'driverError' in error || 'parameters' in error;
}

/** pino's error serializer, with database errors' values taken out (see above). */
export function safeErrorSerializer(error: unknown): unknown {
  const serialized = pino.stdSerializers.err(error as Error) as unknown as Record<string, unknown>;
  if (!serialized || typeof serialized !== 'object' || !isDatabaseError(serialized)) return serialized;
  const safe: Record<string, unknown> = { ...serialized };
  for (const field of DROPPED_FIELDS) if (field in safe) safe[field] = REDACTED;
  if (typeof safe.message === 'string') safe.message = redactDatabaseText(safe.message);
  // The stack's first line repeats the message: only its frames are kept.
  if (typeof safe.stack === 'string') safe.stack = `${String(safe.type)}: ${String(safe.message)}${safe.stack.slice(safe.stack.search(/\n\s+at /) >>> 0)}`;
  if (safe.driverError && typeof safe.driverError === 'object') safe.driverError = safeErrorSerializer(safe.driverError);
  return safe;
}

/** Settings whose values are never printed, even in a configuration error. */
export function isSecretSetting(name: string): boolean {
  return /KEY|SECRET|PASSWORD|TOKEN|CREDENTIAL/i.test(name);
}
