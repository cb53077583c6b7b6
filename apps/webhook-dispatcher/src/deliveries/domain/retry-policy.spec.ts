import { parseDurationMs } from '@payhook/platform';
import { decideOutcome, DEFAULT_RETRY_SCHEDULE, parseRetryAfter, parseRetrySchedule, withJitter } from './retry-policy';

const SCHEDULE = parseRetrySchedule(DEFAULT_RETRY_SCHEDULE, parseDurationMs)!;
const NOW = Date.UTC(2026, 0, 1);
const base = { scheduleMs: SCHEDULE, now: NOW, random: 0.5, retryAfterMaxMs: 3_600_000 };
const fail = { kind: 'response', statusCode: 500 } as const;

describe('retry schedule', () => {
  it('defaults to 5 s, 5 m, 30 m, 2 h, 5 h, 10 h, 10 h', () => {
    expect(SCHEDULE).toEqual([5e3, 300e3, 1800e3, 7200e3, 18000e3, 36000e3, 36000e3]);
  });

  it('reads comma-separated durations', () => {
    expect(parseRetrySchedule('1s, 2s,500ms', parseDurationMs)).toEqual([1000, 2000, 500]);
  });

  it.each(['', '1s,,2s', '1s,soon', '0s'])('refuses %j', (value) => {
    expect(parseRetrySchedule(value, parseDurationMs)).toBeUndefined();
  });
});

describe('jitter', () => {
  it('stays within ±20 % and covers the whole band', () => {
    expect(withJitter(10_000, 0)).toBe(8_000);
    expect(withJitter(10_000, 0.5)).toBe(10_000);
    expect(withJitter(10_000, 0.999999)).toBe(12_000);
    for (let i = 0; i < 1000; i++) {
      const d = withJitter(5_000, Math.random());
      expect(d).toBeGreaterThanOrEqual(4_000);
      expect(d).toBeLessThanOrEqual(6_000);
    }
  });
});

describe('decideOutcome', () => {
  it('a 2xx is delivered', () => {
    expect(decideOutcome({ ...base, attempts: 1, result: { kind: 'response', statusCode: 204 } })).toEqual({ status: 'delivered' });
  });

  it.each([
    [1, 5_000],
    [2, 300_000],
    [7, 36_000_000],
  ])('after failed attempt %i the next waits %i ms (random 0.5 = no jitter)', (attempts, delay) => {
    expect(decideOutcome({ ...base, attempts, result: fail })).toEqual({ status: 'pending', nextAttemptAt: NOW + delay });
  });

  it('jitters the wait', () => {
    expect(decideOutcome({ ...base, attempts: 1, random: 0, result: fail })).toEqual({ status: 'pending', nextAttemptAt: NOW + 4_000 });
  });

  it('a timeout, a connection error and a redirect are failures like any other', () => {
    for (const result of [{ kind: 'error', error: 'timeout' } as const, { kind: 'response', statusCode: 302 } as const]) {
      expect(decideOutcome({ ...base, attempts: 1, result }).status).toBe('pending');
    }
  });

  it('the attempt after the last scheduled retry is the last: failed (dead letter)', () => {
    expect(decideOutcome({ ...base, attempts: SCHEDULE.length + 1, result: fail })).toEqual({ status: 'failed' });
  });

  it('410 fails the delivery at once', () => {
    expect(decideOutcome({ ...base, attempts: 1, result: { kind: 'response', statusCode: 410 } })).toEqual({ status: 'failed' });
  });

  it.each([429, 503])('honours Retry-After on %i', (statusCode) => {
    expect(decideOutcome({ ...base, attempts: 1, result: { kind: 'response', statusCode, retryAfter: '42' } })).toEqual({
      status: 'pending',
      nextAttemptAt: NOW + 42_000,
    });
  });

  it('ignores Retry-After on other statuses', () => {
    expect(decideOutcome({ ...base, attempts: 1, result: { kind: 'response', statusCode: 500, retryAfter: '42' } })).toEqual({
      status: 'pending',
      nextAttemptAt: NOW + 5_000,
    });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3', NOW, 60_000)).toBe(3_000);
    expect(parseRetryAfter(new Date(NOW + 30_000).toUTCString(), NOW, 60_000)).toBe(30_000);
  });

  it('clamps to the bounds', () => {
    expect(parseRetryAfter('86400', NOW, 60_000)).toBe(60_000);
    expect(parseRetryAfter(new Date(NOW - 30_000).toUTCString(), NOW, 60_000)).toBe(0);
  });

  it.each([undefined, '', 'soon', '-5'])('ignores %j', (value) => {
    expect(parseRetryAfter(value, NOW, 60_000)).toBeUndefined();
  });
});
