/**
 * Per-endpoint rate limit: a bucket of `ratePerSecond` tokens refilled continuously.
 * The clock is passed in, so it is tested without waiting.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private lastTakenAt: number;

  constructor(
    private ratePerSecond: number,
    now: number,
  ) {
    this.tokens = ratePerSecond;
    this.updatedAt = now;
    this.lastTakenAt = now;
  }

  setRate(ratePerSecond: number): void {
    this.ratePerSecond = ratePerSecond;
    this.tokens = Math.min(this.tokens, ratePerSecond);
  }

  /** Whole tokens available now. */
  available(now: number): number {
    this.refill(now);
    return Math.floor(this.tokens);
  }

  /** Takes a token if there is one. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    this.lastTakenAt = now;
    return true;
  }

  /** Full and untouched for `idleMs`: no different from a new bucket, so it can be dropped. */
  isIdle(now: number, idleMs: number): boolean {
    this.refill(now);
    return this.tokens >= this.ratePerSecond && now - this.lastTakenAt >= idleMs;
  }

  /** Milliseconds until the next token. */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000);
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.updatedAt) / 1000;
    this.tokens = Math.min(this.ratePerSecond, this.tokens + elapsed * this.ratePerSecond);
    this.updatedAt = now;
  }
}
