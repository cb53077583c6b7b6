import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('allows a burst of one second of tokens, then one token per 1/rate seconds', () => {
    const bucket = new TokenBucket(5, 0);
    expect([1, 2, 3, 4, 5, 6].map(() => bucket.take(0))).toEqual([true, true, true, true, true, false]);
    expect(bucket.waitMs(0)).toBe(200);
    expect(bucket.take(199)).toBe(false);
    expect(bucket.take(200)).toBe(true);
  });

  it('never holds more than one second of tokens', () => {
    const bucket = new TokenBucket(3, 0);
    expect(bucket.available(60_000)).toBe(3);
  });

  it('follows a rate change', () => {
    const bucket = new TokenBucket(10, 0);
    bucket.setRate(2);
    expect(bucket.available(0)).toBe(2);
  });

  it('is idle once full and untouched for the given time, never while spent', () => {
    const bucket = new TokenBucket(2, 0);
    expect(bucket.take(0)).toBe(true);
    expect(bucket.isIdle(500, 60_000)).toBe(false);
    expect(bucket.isIdle(59_000, 60_000)).toBe(false);
    expect(bucket.isIdle(60_000, 60_000)).toBe(true);
  });
});
