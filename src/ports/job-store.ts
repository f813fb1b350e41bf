/**
 * JobStore: the port for answers that arrive after their request (the
 * `multistage` node's slow stage today; `POST /v1/services/{name}/jobs` later).
 * It only records jobs; running them is BackgroundJobs' concern
 * (src/services/background-jobs.ts). Adapters: memory; every adapter passes
 * test/contract/job-store.contract.ts.
 *
 * A job goes queued → running → succeeded | failed (the job API's words, docs/jobs.md). Once succeeded or failed its record
 * never changes: a later `complete` or `fail` is ignored (a slow stage that
 * answers after its timeout failed the job must not overwrite that outcome).
 * Timestamps are ISO-8601 strings (UTC, millisecond precision); results come
 * back as JSON would carry them, a fresh copy on every read.
 */

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

/** What `fail` records: a stable code from src/errors/codes.ts and its message. */
export interface JobError {
  readonly code: string;
  readonly message: string;
}

/** A finished job's answer: the fields of a predict response (`predictions`, `labels`, `keys`, extras). */
export type JobResult = Readonly<Record<string, unknown>>;

export interface NewJob {
  /** The service whose graph the job belongs to. */
  readonly service: string;
  /** The request that started it, so logs of both stages can be joined. */
  readonly requestId?: string | undefined;
}

export interface JobRecord {
  /** A random UUID. */
  readonly id: string;
  readonly status: JobStatus;
  readonly service: string;
  readonly requestId?: string;
  readonly createdAt: string;
  /** Set once the job has succeeded or failed. */
  readonly finishedAt?: string;
  /** Set when succeeded. */
  readonly result?: JobResult;
  /** Set when failed. */
  readonly error?: JobError;
}

export interface JobStore {
  /**
   * Records a queued job and returns its id. Rejects with MlError
   * JOB_STORE_FULL (503) when the store holds as many unfinished jobs as it
   * may: unfinished jobs are never evicted, finished ones make room.
   */
  create(job: NewJob): Promise<string>;
  /** queued → running; a finished job stays as it is. Rejects JOB_NOT_FOUND for an unknown id. */
  markRunning(id: string): Promise<void>;
  /** → succeeded with `result`; ignored when already finished. Rejects JOB_NOT_FOUND for an unknown id. */
  complete(id: string, result: JobResult): Promise<void>;
  /** → failed with `error`; ignored when already finished. Rejects JOB_NOT_FOUND for an unknown id. */
  fail(id: string, error: JobError): Promise<void>;
  /** The job, or `undefined` when unknown or evicted (finished jobs are kept for a limited time). */
  get(id: string): Promise<JobRecord | undefined>;
  /** Releases the storage; the store is not used afterwards. */
  close(): Promise<void>;
}

/** Bounds every adapter honours (the contract suite checks them). */
export interface JobStoreLimits {
  /** Jobs held at most, finished or not. @default 10000 */
  readonly maxJobs?: number;
  /** How long a finished job stays readable, in ms. @default 3600000 (1 h) */
  readonly ttlMs?: number;
  /** Clock in milliseconds, injectable for tests. @default Date.now */
  readonly now?: () => number;
}
