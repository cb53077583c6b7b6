/**
 * What happens after an attempt: pure, so the schedule, jitter and Retry-After rules are
 * unit-tested without a clock or a network.
 */

export const DEFAULT_RETRY_SCHEDULE = '5s,5m,30m,2h,5h,10h,10h';
export const JITTER = 0.2;

/** Parses "5s,5m,30m" into milliseconds with the given duration parser; undefined if any part is bad. */
export function parseRetrySchedule(value: string, parseDuration: (part: string) => number | undefined): number[] | undefined {
  const parts = value.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) return undefined;
  const delays = parts.map(parseDuration);
  return delays.every((d): d is number => d !== undefined && d > 0) ? delays : undefined;
}

/** A delay with ±20 % jitter; `random` is in [0, 1). Spreads retries of many deliveries apart. */
export function withJitter(delayMs: number, random: number): number {
  return Math.round(delayMs * (1 - JITTER + 2 * JITTER * random));
}

/**
 * Seconds (`120`) or an HTTP date, as milliseconds from `now`; undefined when absent or
 * unreadable. Clamped to [0, maxMs] so a receiver cannot park a delivery for ever.
 */
export function parseRetryAfter(value: string | undefined, now: number, maxMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  let ms: number;
  if (/^\d+$/.test(trimmed)) ms = Number(trimmed) * 1000;
  else if (/^[\d\s.+-]*$/.test(trimmed)) return undefined; // "-5", "1.5": neither seconds nor a date
  else {
    const at = Date.parse(trimmed);
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  }
  return Math.min(Math.max(ms, 0), maxMs);
}

export type AttemptResult =
  | { kind: 'response'; statusCode: number; retryAfter?: string }
  | { kind: 'error'; error: string };

export type Outcome =
  | { status: 'delivered' }
  | { status: 'pending'; nextAttemptAt: number }
  | { status: 'failed' };

export interface OutcomeInput {
  result: AttemptResult;
  /** Attempts made so far, this one included. */
  attempts: number;
  scheduleMs: number[];
  now: number;
  random: number;
  retryAfterMaxMs: number;
}

export function isSuccess(result: AttemptResult): boolean {
  return result.kind === 'response' && result.statusCode >= 200 && result.statusCode < 300;
}

/** 410 Gone: the receiver says the endpoint is no more; the endpoint is disabled. */
export function isGone(result: AttemptResult): boolean {
  return result.kind === 'response' && result.statusCode === 410;
}

/**
 * After attempt n (1-based) fails, the next waits schedule[n-1] ± jitter, or the receiver's
 * Retry-After on 429/503. When the schedule is spent the delivery is failed (dead letter).
 */
export function decideOutcome(input: OutcomeInput): Outcome {
  const { result, attempts, scheduleMs, now } = input;
  if (isSuccess(result)) return { status: 'delivered' };
  if (isGone(result) || attempts > scheduleMs.length) return { status: 'failed' };
  let delay = withJitter(scheduleMs[attempts - 1], input.random);
  if (result.kind === 'response' && (result.statusCode === 429 || result.statusCode === 503)) {
    const retryAfter = parseRetryAfter(result.retryAfter, now, input.retryAfterMaxMs);
    if (retryAfter !== undefined) delay = retryAfter;
  }
  return { status: 'pending', nextAttemptAt: now + delay };
}
