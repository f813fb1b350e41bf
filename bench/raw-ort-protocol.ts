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

export type RawJob = RawLatencyJob | RawThroughputJob;
export type RawResult = RawLatencyResult | RawThroughputResult;
