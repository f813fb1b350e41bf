import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { MlError } from '../errors/ml-error.js';
import type { DataSource } from './types.js';

/**
 * The folder a `read-data` step leaves as its `data` output, and the layout
 * downstream steps read: `rows.jsonl` (one JSON object per row, in the
 * source's order) and `columns.json` (the column names, in order). JSON Lines
 * keeps the types the source had and streams both ways.
 */
export const ROWS_FILE = 'rows.jsonl';
export const COLUMNS_FILE = 'columns.json';

export interface DataFolderWriteOptions {
  /** Stops the copy between rows (the run was cancelled or the step timed out). */
  readonly signal?: AbortSignal;
}

/** Copies every row of `source` into `dir`; resolves with the row and column counts. */
export async function writeDataFolder(dir: string, source: DataSource, options: DataFolderWriteOptions = {}): Promise<{ rows: number; columns: string[] }> {
  const columns = await source.columns();
  const out = createWriteStream(path.join(dir, ROWS_FILE), { encoding: 'utf8' });
  const closed = once(out, 'close');
  let rows = 0;
  try {
    for await (const row of source.rows()) {
      options.signal?.throwIfAborted();
      if (!out.write(`${JSON.stringify(row)}\n`)) await once(out, 'drain');
      rows++;
    }
  } finally {
    out.end();
    await closed;
  }
  await writeFile(path.join(dir, COLUMNS_FILE), `${JSON.stringify(columns)}\n`);
  return { rows, columns };
}

/** Writes rows held in memory in the same layout (a split step's train and test parts, say). */
export async function writeDataRows(dir: string, columns: readonly string[], rows: Iterable<Readonly<Record<string, unknown>>>): Promise<void> {
  const out = createWriteStream(path.join(dir, ROWS_FILE), { encoding: 'utf8' });
  const closed = once(out, 'close');
  try {
    for (const row of rows) if (!out.write(`${JSON.stringify(row)}\n`)) await once(out, 'drain');
  } finally {
    out.end();
    await closed;
  }
  await writeFile(path.join(dir, COLUMNS_FILE), `${JSON.stringify(columns)}\n`);
}

export interface DataTable {
  readonly columns: string[];
  readonly rows: Record<string, unknown>[];
}

/** Reads a `read-data` output folder into memory (what a training step does with data that fits). */
export async function readDataFolder(dir: string): Promise<DataTable> {
  const columnsFile = path.join(dir, COLUMNS_FILE);
  const text = await readFile(columnsFile, 'utf8').catch(() => undefined);
  if (text === undefined) throw new MlError('DATA_SOURCE_NOT_FOUND', { source: dir, reason: `no ${COLUMNS_FILE}: not the output of a read-data step` });
  const columns = JSON.parse(text) as unknown;
  if (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string')) {
    throw new MlError('DATA_SOURCE_INVALID', { source: columnsFile, row: 0, reason: 'not a JSON list of column names' });
  }
  const rows: Record<string, unknown>[] = [];
  const lines = createInterface({ input: createReadStream(path.join(dir, ROWS_FILE), { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text === '') continue;
    const row = JSON.parse(text) as unknown;
    if (row === null || typeof row !== 'object' || Array.isArray(row)) throw new MlError('DATA_SOURCE_INVALID', { source: path.join(dir, ROWS_FILE), row: line, reason: 'not a JSON object' });
    rows.push(row as Record<string, unknown>);
  }
  return { columns, rows };
}
