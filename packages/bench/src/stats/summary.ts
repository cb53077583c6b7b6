/** Latency or rate figures of one series: count, mean and the percentiles the reports show. */
export interface Summary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of sorted values (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1];
}

export function sum(values: Iterable<number>): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sum(sorted) / (sorted.length || 1);
  return {
    count: sorted.length,
    mean: sorted.length ? mean : NaN,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
  };
}

/** Events per second over the span from the first to the last timestamp (ms). */
export function ratePerSecond(timestampsMs: readonly number[]): number {
  if (timestampsMs.length < 2) return NaN;
  let first = Infinity;
  let last = -Infinity;
  for (const t of timestampsMs) {
    if (t < first) first = t;
    if (t > last) last = t;
  }
  return last > first ? ((timestampsMs.length - 1) * 1000) / (last - first) : NaN;
}
