import { asyncBufferFromFile, parquetMetadataAsync, parquetSchema } from 'hyparquet';
import { csvCells, csvReader } from '../batch/read-csv.js';
import { jsonlReader } from '../batch/read-jsonl.js';
import type { InputReader } from '../batch/input-record.js';
import { parquetReader } from '../batch/read-parquet.js';
import { MlError } from '../errors/ml-error.js';
import { inferCsvColumns, typedCsvRow } from './csv-types.js';
import type { DataSource } from './types.js';

/** A CSV file: the header names the columns; cells are typed per column (csv-types.ts) unless `types` is "string". */
export function csvSource(file: string, types: 'infer' | 'string'): DataSource {
  let numeric: Promise<ReadonlySet<string>> | undefined;
  const reader = csvReader(file);
  return {
    description: file,
    columns: () => csvHeader(file),
    rows: async function* () {
      numeric ??= types === 'infer' ? inferCsvColumns(checkedRows(file, reader)) : Promise.resolve(new Set());
      const numericColumns = await numeric;
      for await (const row of checkedRows(file, reader)) yield typedCsvRow(row, numericColumns);
    },
    close: () => reader.close(),
  };
}

/** The first non-blank record; duplicate names would make two columns one. */
async function csvHeader(file: string): Promise<string[]> {
  for await (const { cells } of csvCells(file)) {
    if (cells.length === 1 && cells[0] === '') continue;
    const seen = new Set<string>();
    for (const name of cells) {
      if (seen.has(name)) throw new MlError('DATA_SOURCE_INVALID', { source: file, row: 1, reason: `the header names column "${name}" twice` });
      seen.add(name);
    }
    return cells;
  }
  return [];
}

/** A JSON Lines file: one object per line; its columns are every key seen, in first-seen order (one pass over the file). */
export function jsonlSource(file: string): DataSource {
  const reader = jsonlReader(file);
  return {
    description: file,
    columns: async () => {
      const names = new Set<string>();
      for await (const row of checkedRows(file, reader)) for (const name of Object.keys(row)) names.add(name);
      return [...names];
    },
    rows: () => checkedRows(file, reader),
    close: () => reader.close(),
  };
}

/** A Parquet file: columns from its schema, rows decoded slice by slice. */
export function parquetSource(file: string): DataSource {
  const reader = parquetReader(file);
  return {
    description: file,
    columns: async () => {
      try {
        const metadata = await parquetMetadataAsync(await asyncBufferFromFile(file));
        return parquetSchema(metadata).children.map((child) => child.element.name);
      } catch (err) {
        throw notParquet(file, err);
      }
    },
    rows: async function* () {
      try {
        yield* checkedRows(file, reader);
      } catch (err) {
        throw notParquet(file, err);
      }
    },
    close: () => reader.close(),
  };
}

function notParquet(file: string, err: unknown): MlError {
  if (err instanceof MlError) return err;
  return new MlError('DATA_SOURCE_INVALID', { source: file, row: 0, reason: `not a readable Parquet file: ${(err as Error).message}` }, { cause: err });
}

/** The batch readers report a malformed row and go on; training data with a hole in it is an error instead. */
async function* checkedRows(file: string, reader: InputReader): AsyncGenerator<Record<string, unknown>> {
  for await (const input of reader.rows()) {
    if (input.error !== undefined) throw new MlError('DATA_SOURCE_INVALID', { source: file, row: input.row, reason: input.error });
    yield input.record;
  }
}
