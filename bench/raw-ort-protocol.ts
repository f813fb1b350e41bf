/** Jobs for the raw onnxruntime process (bench/raw-ort-worker.ts) and their results. */

export interface RawModel {
  readonly file: string;
  readonly input: string;
  /** Features per row. */
  readonly width: number;
}

/** Latency of single-row runs, one after the other. */
export interface RawLatencyJob {
  readonly kind: 'latency';
  readonly model: RawModel;
  readonly warmupRuns: number;
  readonly runs: number;
}

export interface RawLatencyResult {
  readonly kind: 'latency';
  readonly runs: number;
  readonly medianUs: number;
  readonly p99Us: number;
}

/** Rows per second of back-to-back runs at each batch size. */
export interface RawThroughputJob {
  readonly kind: 'throughput';
  readonly model: RawModel;
  readonly batchSizes: readonly number[];
  readonly secondsPerSize: number;
}

export interface RawBatchPoint {
  readonly batchSize: number;
  readonly runs: number;
  readonly rowsPerS: number;
  readonly medianRunUs: number;
}

export interface RawThroughputResult {
  readonly kind: 'throughput';
  readonly points: readonly RawBatchPoint[];
  readonly best: RawBatchPoint;
}

/** A fixed number of rows in back-to-back runs of one batch size (the batch-run comparison, issue 5). */
export interface RawRowsJob {
  readonly kind: 'rows';
  readonly model: RawModel;
  readonly batchSize: number;
  readonly rows: number;
}

export interface RawRowsResult {
  readonly kind: 'rows';
  readonly batchSize: number;
  readonly rows: number;
  readonly runs: number;
  readonly elapsedS: number;
  readonly rowsPerS: number;
}

export type RawJob = RawLatencyJob | RawThroughputJob | RawRowsJob;
export type RawResult = RawLatencyResult | RawThroughputResult | RawRowsResult;
