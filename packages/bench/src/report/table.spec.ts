import { formatNumber, latencyCells, table } from './table';

describe('table', () => {
  it('aligns labels left and numbers right under a header rule', () => {
    expect(table(['stage', 'rate'], [['kafka', 1234.4], ['pg', 7.5]])).toBe(['stage  rate', '-----  -----', 'kafka  1,234', 'pg      7.50'].join('\n'));
  });
});

describe('formatNumber', () => {
  it('keeps two decimals for small values, one for tens and none past a hundred', () => {
    expect(formatNumber(0.123)).toBe('0.12');
    expect(formatNumber(12.34)).toBe('12.3');
    expect(formatNumber(1500.6)).toBe('1,501');
    expect(formatNumber(3)).toBe('3');
    expect(formatNumber(NaN)).toBe('–');
  });
});

describe('latencyCells', () => {
  it('lists count and percentiles in the header order', () => {
    expect(latencyCells({ count: 3, mean: 2, p50: 2, p95: 3, p99: 3, max: 3 })).toEqual([3, 2, 3, 3, 3]);
  });
});
