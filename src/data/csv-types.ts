/**
 * CSV cells are text; training wants numbers. A column is numeric when every
 * non-empty cell in it reads as a number (what pandas' read_csv decides too);
 * its empty cells become null. Deciding per column rather than per cell keeps a
 * column one type: a code column such as "007", "A12" stays text throughout.
 */
const NUMBER = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

export function isNumericCell(cell: string): boolean {
  return NUMBER.test(cell);
}

/** One pass over the rows: the columns whose non-empty cells are all numbers (and that have at least one). */
export async function inferCsvColumns(rows: AsyncIterable<Record<string, unknown>>): Promise<ReadonlySet<string>> {
  const numeric = new Map<string, boolean>();
  for await (const row of rows) {
    for (const [name, cell] of Object.entries(row)) {
      if (typeof cell !== 'string' || cell.trim() === '') continue;
      if (numeric.get(name) === false) continue;
      numeric.set(name, isNumericCell(cell));
    }
  }
  return new Set([...numeric].filter(([, isNumber]) => isNumber).map(([name]) => name));
}

export function typedCsvRow(row: Record<string, unknown>, numericColumns: ReadonlySet<string>): Record<string, unknown> {
  if (numericColumns.size === 0) return row;
  const out: Record<string, unknown> = {};
  for (const [name, cell] of Object.entries(row)) {
    out[name] = numericColumns.has(name) && typeof cell === 'string' ? (cell.trim() === '' ? null : Number(cell)) : cell;
  }
  return out;
}
