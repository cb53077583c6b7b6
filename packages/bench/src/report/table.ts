import type { Summary } from '../stats/summary';

/** A plain-text table with a header row and columns aligned (numbers to the right). */
export function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = [headers, ...rows.map((row) => row.map((cell) => (typeof cell === 'number' ? formatNumber(cell) : cell)))];
  const widths = headers.map((_, col) => Math.max(...cells.map((row) => String(row[col] ?? '').length)));
  const line = (row: Array<string | number>, isHeader: boolean) =>
    row
      .map((cell, col) => {
        const text = String(cell ?? '');
        return col === 0 || isHeader ? text.padEnd(widths[col]) : text.padStart(widths[col]);
      })
      .join('  ')
      .trimEnd();
  return [line(cells[0], true), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map((row) => line(row, false))].join('\n');
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (Number.isInteger(value) || Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** The latency columns every latency table shows, in ms. */
export const LATENCY_HEADERS = ['count', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'];

export function latencyCells(summary: Summary): Array<string | number> {
  return [summary.count, summary.p50, summary.p95, summary.p99, summary.max];
}
