import { Writable } from 'node:stream';
import pino from 'pino';
import { QueryFailedError } from 'typeorm';
import { loadConfig, env } from './config';
import { isSecretSetting, redactDatabaseText, safeErrorSerializer } from './log-safety';
import { z } from 'zod';

const SECRET = 'whsec_c2VjcmV0LXZhbHVlLW5ldmVyLWluLWxvZ3M=';
const CARD = '4242424242424242';

function databaseError(message: string, detail: string): QueryFailedError {
  const driverError = Object.assign(new Error(message), { code: '23514', detail, table: 'endpoint_secrets' });
  return new QueryFailedError('INSERT INTO endpoint_secrets (endpoint_id, secret) VALUES ($1, $2)', ['ep_1', SECRET, CARD], driverError);
}

describe('secrets never in logs', () => {
  it('logs a database error with its statement and SQLSTATE, but without its values', () => {
    const lines: string[] = [];
    const logger = pino({ serializers: { err: safeErrorSerializer } }, new Writable({ write: (chunk, _enc, done) => { lines.push(String(chunk)); done(); } }));
    logger.error({ err: databaseError(`invalid input syntax for type integer: "${CARD}"`, `Failing row contains (ep_1, ${SECRET}, ${CARD}).`) }, 'request failed');
    logger.error({ err: databaseError('duplicate key value violates unique constraint "x"', `Key (secret)=(${SECRET}) already exists.`) }, 'request failed');
    const output = lines.join('');
    expect(output).not.toContain(SECRET);
    expect(output).not.toContain(CARD);
    expect(output).toContain('INSERT INTO endpoint_secrets');
    expect(output).toContain('23514');
    expect(output).toContain('invalid input syntax for type integer');
  });

  it('leaves errors that are not from the database as pino would', () => {
    const error = new Error('boom "quoted"');
    expect(safeErrorSerializer(error)).toMatchObject({ message: 'boom "quoted"', type: 'Error' });
  });

  it('keeps the words of a Postgres message around what it quotes', () => {
    expect(redactDatabaseText(`Key (secret)=(${SECRET}) already exists.`)).toBe('Key [redacted] already exists.');
    expect(redactDatabaseText('value "3000000000" is out of range for type integer')).toBe('value [redacted] is out of range for type integer');
    expect(redactDatabaseText(`bad "a"${CARD}"b"`)).toBe('bad [redacted]');
    expect(redactDatabaseText(`bad "${CARD}" near ${CARD}`)).toBe('bad [redacted]');
    expect(redactDatabaseText(`invalid input syntax for type integer: "${CARD}"`)).toBe('invalid input syntax for type integer: [redacted]');
    expect(redactDatabaseText('could not serialize access')).toBe('could not serialize access');
  });

  it('never prints a secret setting in a configuration error', () => {
    expect(['DISPATCHER_API_KEY', 'PAYMENT_API_KEY', 'WEBHOOK_SECRET', 'DB_PASSWORD'].every(isSecretSetting)).toBe(true);
    expect(isSecretSetting('WEBHOOK_TIMEOUT_MS')).toBe(false);
    const schema = z.object({ DISPATCHER_API_KEY: env.secret() });
    expect(() => loadConfig(schema, { DISPATCHER_API_KEY: 'short' })).toThrow(/DISPATCHER_API_KEY: .*\(value hidden\)/);
    expect(() => loadConfig(schema, { DISPATCHER_API_KEY: 'short' })).not.toThrow(/short/);
  });
});
