/** Jobs for the queue worker process (bench/queue-worker.ts) and their results. */

/** Which JobQueue adapter a worker process opens. */
export type QueueAdapterSpec =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'bullmq'; readonly url: string; readonly prefix: string };

/** Opens the queue, loads the model once, runs one prediction, then starts `work()`: answers once it takes jobs. */
export interface StartWorkJob {
  readonly kind: 'start';
  readonly adapter: QueueAdapterSpec;
  readonly queue: string;
  /** Model package (or .onnx file) each job's handler predicts with. */
  readonly model: string;
  readonly concurrency: number;
}

/** What the worker did since it started; asked once the submitter has seen every job finish. */
export interface ReportJob {
  readonly kind: 'report';
}

/** Closes the worker and its queue. */
export interface StopWorkJob {
  readonly kind: 'stop';
}

/** One `runBatch` end to end, in this process (its in-process workers too). */
export interface BatchJob {
  readonly kind: 'batch';
  readonly model: string;
  readonly input: string;
  readonly key: string;
  readonly output: string;
  readonly stateDir: string;
  readonly shardSize: number;
}

export type QueueWorkerJob = StartWorkJob | ReportJob | StopWorkJob | BatchJob;

export interface WorkerReport {
  readonly kind: 'report';
  readonly succeeded: number;
  readonly failed: number;
  /** Wall-clock (epoch ms, sub-ms precision) of the first job started and the last one finished by this worker. */
  readonly firstStartedAt: number | null;
  readonly lastFinishedAt: number | null;
}

export interface BatchRunResult {
  readonly kind: 'batch';
  readonly status: 'succeeded' | 'failed';
  readonly rows: number;
  readonly keysWritten: number;
  readonly failedRows: number;
  readonly malformedRows: number;
  readonly shards: number;
  /** Around the whole `runBatch` call (planning, reading, queueing, predicting, writing, closing). */
  readonly elapsedS: number;
  readonly summaryRowsPerS: number;
}

export type QueueWorkerResult = { readonly kind: 'started'; readonly loadMs: number } | WorkerReport | { readonly kind: 'stopped' } | BatchRunResult;
