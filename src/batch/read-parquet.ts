import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import type { InputReader, InputRecord } from './input-record.js';

/** Rows decoded at once: a Parquet file is read in slices, never whole. */
const SLICE_ROWS = 10_000;

/** Reads a Parquet file (hyparquet) slice by slice; int64 cells become numbers (or strings past 2^53). */
export function parquetReader(file: string): InputReader {
  return {
    estimateTotal: async () => Number((await parquetMetadataAsync(await asyncBufferFromFile(file))).num_rows),
    rows: () => parquetRecords(file),
    close: async () => undefined,
  };
}

async function* parquetRecords(file: string): AsyncGenerator<InputRecord> {
  const buffer = await asyncBufferFromFile(file);
  const metadata = await parquetMetadataAsync(buffer);
  const total = Number(metadata.num_rows);
  for (let start = 0; start < total; start += SLICE_ROWS) {
    const rows = await parquetReadObjects({ file: buffer, metadata, rowStart: start, rowEnd: Math.min(total, start + SLICE_ROWS) });
    for (let i = 0; i < rows.length; i++) {
      yield { row: start + i + 1, record: plainRecord(rows[i] as Record<string, unknown>) };
    }
  }
}

function plainRecord(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(row)) {
    out[name] = typeof value === 'bigint' ? (Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()) : value;
  }
  return out;
}
