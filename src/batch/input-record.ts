/**
 * One row of a batch input, numbered for error reports: the line number in a
 * CSV (the header is line 1) or JSON Lines file, the 1-based row index in a
 * Parquet file or a SQL table. A row the reader cannot make a record of
 * carries `error` instead.
 */
export type InputRecord =
  | { readonly row: number; readonly record: Readonly<Record<string, unknown>>; readonly error?: undefined }
  | { readonly row: number; readonly record?: undefined; readonly error: string };

export interface InputReader {
  /** The rows to predict, when cheap to know up front (progress ETA); an upper bound is fine. */
  estimateTotal(): Promise<number | undefined>;
  /** Every row in a stable order (so shards are the same rows on a resumed run). */
  rows(): AsyncIterable<InputRecord>;
  close(): Promise<void>;
}
