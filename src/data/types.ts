/**
 * One interface over the places training data lives (docs/data-sources.md):
 * CSV, JSON Lines and Parquet files, PostgreSQL and SQLite queries. A pipeline
 * step reads rows the same way whatever the source, so no step grows its own fetcher.
 */
export interface DataSource {
  /** The source as it is named in messages: the resolved path, or the URL without its password. */
  readonly description: string;
  /** Column names in order (the CSV header, the Parquet schema, the query's columns, JSONL keys in first-seen order). */
  columns(): Promise<string[]>;
  /** Every row, streamed in a stable order; a malformed row ends the stream with DATA_SOURCE_INVALID. */
  rows(): AsyncIterable<Record<string, unknown>>;
  close(): Promise<void>;
}

export interface OpenDataSourceOptions {
  /** Relative file paths (also in `sqlite:` URIs) are read against this folder. @default process.cwd() */
  readonly baseDir?: string;
  /** A query for a database source, instead of `?query=` in its URI. */
  readonly query?: string;
  /** Only these columns, in this order; a column the source lacks is an error. @default every column */
  readonly columns?: readonly string[];
  /**
   * CSV cells: `infer` makes a column whose every non-empty cell is a number a
   * numeric column (empty cells become null); `string` keeps every cell's text.
   * @default "infer"
   */
  readonly csvTypes?: 'infer' | 'string';
}
