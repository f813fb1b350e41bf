import { createReadStream } from 'node:fs';
import type { InputReader, InputRecord } from './input-record.js';
import { countLines } from './count-lines.js';

/**
 * Streams a CSV file (RFC 4180: quoted cells may hold commas, newlines and
 * doubled quotes): a header row, then one record per row keyed by the header.
 * Cells stay strings; a row whose cell count differs from the header's is
 * reported, not read.
 */
export function csvReader(file: string): InputReader {
  return {
    estimateTotal: async () => Math.max(0, (await countLines(file)) - 1),
    rows: () => csvRecords(file),
    close: async () => undefined,
  };
}

async function* csvRecords(file: string): AsyncGenerator<InputRecord> {
  let header: string[] | undefined;
  for await (const { line, cells } of csvCells(file)) {
    if (cells.length === 1 && cells[0] === '') continue; // blank line
    if (!header) {
      header = cells;
      continue;
    }
    if (cells.length !== header.length) {
      yield { row: line, error: `wrong column count: ${cells.length} cells, the header has ${header.length}` };
      continue;
    }
    const record: Record<string, unknown> = {};
    header.forEach((name, i) => (record[name] = cells[i]));
    yield { row: line, record };
  }
}

/** The raw cells of each record with the line it starts on (the header too). */
export async function* csvCells(file: string): AsyncGenerator<{ line: number; cells: string[] }> {
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  let afterQuote = false;
  let line = 1;
  let startLine = 1;
  let pendingCR = false;
  const out: { line: number; cells: string[] }[] = [];
  const endRecord = (): void => {
    record.push(cell);
    out.push({ line: startLine, cells: record });
    record = [];
    cell = '';
    afterQuote = false;
  };
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 }) as AsyncIterable<string>) {
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk[i] as string;
      if (pendingCR) {
        pendingCR = false;
        if (ch === '\n') continue;
      }
      if (quoted) {
        if (ch === '"') {
          quoted = false;
          afterQuote = true;
        } else {
          if (ch === '\n') line++;
          cell += ch;
        }
      } else if (ch === '"' && (cell === '' || afterQuote)) {
        // A doubled quote inside a quoted cell reopens it and keeps one quote.
        if (afterQuote) cell += '"';
        quoted = true;
      } else if (ch === ',') {
        record.push(cell);
        cell = '';
        afterQuote = false;
      } else if (ch === '\n' || ch === '\r') {
        endRecord();
        pendingCR = ch === '\r';
        line++;
        startLine = line;
      } else {
        cell += ch;
      }
    }
    yield* out.splice(0);
  }
  if (cell !== '' || record.length > 0) endRecord();
  yield* out.splice(0);
}
