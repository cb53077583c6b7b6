import { percentile, ratePerSecond, sum, summarize } from './summary';

describe('percentile', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('takes the nearest rank', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
  });

  it('is NaN for no values', () => {
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('sum', () => {
  it('adds any iterable of numbers, and is 0 for none', () => {
    expect(sum([1.5, 2, -0.5])).toBe(3);
    expect(sum(new Set([4, 5]).values())).toBe(9);
    expect(sum([])).toBe(0);
  });
});

describe('summarize', () => {
  it('sorts a copy and reports mean, percentiles and max', () => {
    const values = [30, 10, 20, 40];
    expect(summarize(values)).toEqual({ count: 4, mean: 25, p50: 20, p95: 40, p99: 40, max: 40 });
    expect(values).toEqual([30, 10, 20, 40]);
  });
});

describe('ratePerSecond', () => {
  it('counts intervals between the first and the last event', () => {
    expect(ratePerSecond([0, 250, 500, 750, 1000])).toBe(4);
    expect(ratePerSecond([2000, 0, 1000])).toBe(1);
  });

  it('is NaN when no span can be measured', () => {
    expect(ratePerSecond([5])).toBeNaN();
    expect(ratePerSecond([5, 5])).toBeNaN();
  });
});
