import { z } from 'zod';
import { ConfigError, env, loadConfig, parseDurationMs, redactUrl } from './config';

const schema = z.object({
  PORT: env.port(3001),
  DATABASE_URL: env.postgresUrl(),
  KAFKA_BROKERS: env.brokers(),
  RETRY_DELAY: env.duration('5s'),
  FLAG: env.boolean(false),
});

describe('loadConfig', () => {
  it('fills defaults for unset variables', () => {
    expect(loadConfig(schema, {})).toEqual({
      PORT: 3001,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
      KAFKA_BROKERS: '127.0.0.1:9092',
      RETRY_DELAY: 5000,
      FLAG: false,
    });
  });

  it('names the variable and the value it got, in one line', () => {
    expect(() => loadConfig(schema, { KAFKA_BROKERS: 'no-port' })).toThrow(
      new ConfigError('invalid configuration: KAFKA_BROKERS: must be host:port[,host:port…] (got "no-port")'),
    );
  });

  it('never prints a password from a URL', () => {
    expect(() => loadConfig(schema, { DATABASE_URL: 'mysql://u:hunter2@h/db' })).toThrow(/mysql:\/\/u:\*\*\*@h\/db/);
  });

  it('reports a required variable that is not set', () => {
    const required = z.object({ API_KEY: env.secret() });
    expect(() => loadConfig(required, {})).toThrow('API_KEY: Required (not set)');
  });
});

describe('parseDurationMs', () => {
  it.each([
    ['250ms', 250],
    ['5s', 5000],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['5d', 432_000_000],
    ['1500', 1500],
  ])('%s is %d ms', (text, ms) => expect(parseDurationMs(text)).toBe(ms));

  it.each(['', '5 weeks', '-1s', '1.5s'])('refuses %j', (text) => expect(parseDurationMs(text)).toBeUndefined());
});

describe('redactUrl', () => {
  it('masks only the password', () => {
    expect(redactUrl('postgres://app:secret@db:5432/x')).toBe('postgres://app:***@db:5432/x');
    expect(redactUrl('postgres://app@db/x')).toBe('postgres://app@db/x');
  });
});
