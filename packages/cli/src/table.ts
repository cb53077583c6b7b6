/** Rows as aligned columns under a header: what a person reads in a terminal (`--json` prints the data instead). */
export function table(columns: string[], rows: Array<Array<string | number | null | undefined>>): string {
  const cells = [columns, ...rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '-' : String(cell))))];
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const lines = cells.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  '));
  return rows.length === 0 ? `${lines[0]}\n(none)` : lines.join('\n');
}
