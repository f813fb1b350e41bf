/**
 * JobQueue: the port between those who submit work (the job API, batch runs,
 * schedules) and the workers that do it (docs/architecture.md, "Ports and
 * adapters"). Adapters: SQLite (embedded, durable, one machine) and BullMQ on
 * Redis (workers on any number of machines). Every adapter passes
 * test/contract/job-queue.contract.ts.
 *
 * Guarantees every adapter gives:
 * - **Durable**: an enqueued job survives a restart of the process that
 *   enqueued it (the SQLite file; Redis with its own persistence).
 * - **At-least-once execution**: a job whose worker dies (SIGKILL, lost
 *   machine) is run again once its lease expires (visibility timeout).
 * - **Exactly-once visible result**: a job is finished once. When two runs
 *   race (a worker presumed dead comes back), the first `complete` wins and
 *   the other's result is dropped; a cancelled job's late result is dropped.
 * - **Idempotent submission**: enqueueing with a `key` already used in that
 *   queue returns the existing job (`created: false`), whatever its state.
 * - **Retries**: a handler that throws is retried after an exponential
 *   backoff (`backoffMs · 2^(attempt-1)`), up to `maxAttempts` attempts; then
 *   the job is `failed` for good (the dead-letter state: kept, readable,
 *   with its last error and attempt count). An error with `retryable: false`
 *   (e.g. an MlError with a 4xx status: the input is wrong, trying again
 *   cannot help) fails the job at once.
 *
 * Jobs go queued → running → succeeded | failed | cancelled; a failed attempt
 * that will be retried goes back to queued (with `attempts` counted). Payloads
 * and results are JSON values; every read returns a fresh copy. Timestamps are
 * ISO-8601 strings (UTC, millisecond precision).
 */

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type QueueJobStatus = (typeof JOB_STATUSES)[number];

/** A stable code from src/errors/codes.ts and its message. */
export interface QueueJobError {
  readonly code: string;
  readonly message: string;
}

export interface EnqueueOptions {
  /** Idempotency key, unique per queue: a second enqueue with it returns the first job. */
  readonly key?: string;
  /** Attempts before the job fails for good. @default 3 */
  readonly maxAttempts?: number;
  /** Base of the exponential backoff between attempts, in ms. @default 1000 */
  readonly backoffMs?: number;
  /** Small JSON metadata stored with the job and returned with it (request id, callback URL, batch id …). */
  readonly meta?: Readonly<Record<string, unknown>>;
}

export interface QueueJob {
  /** Unique across queues; chosen by the adapter (a UUID for SQLite). */
  readonly id: string;
  readonly queue: string;
  /** What to run, for the handler to dispatch on: e.g. "predict", "batch-shard". */
  readonly name: string;
  readonly payload: unknown;
  readonly key?: string;
  readonly status: QueueJobStatus;
  /** Attempts started so far (1 while the first runs). */
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly createdAt: string;
  /** When the latest attempt started. */
  readonly startedAt?: string;
  /** When the job succeeded, failed for good or was cancelled. */
  readonly finishedAt?: string;
  /** Set when succeeded. */
  readonly result?: unknown;
  /** The latest attempt's error (also while a retry is queued). */
  readonly error?: QueueJobError;
  readonly meta?: Readonly<Record<string, unknown>>;
}

export interface EnqueueResult {
  readonly job: QueueJob;
  /** False when the key was already used: `job` is the existing one. */
  readonly created: boolean;
}

export interface JobContext {
  readonly job: QueueJob;
  /**
   * Aborted when the job is cancelled, when this worker lost its lease (the
   * job may be running elsewhere now), or when the worker is closed past its
   * grace period. A handler should stop soon after; its result is dropped.
   */
  readonly signal: AbortSignal;
}

/** Runs one attempt: resolves with the result (a JSON value), or throws to fail the attempt. */
export type JobHandler = (ctx: JobContext) => Promise<unknown>;

export interface WorkOptions {
  /** Jobs run at once by this worker. @default 1 */
  readonly concurrency?: number;
  /**
   * Visibility timeout: a running job whose worker has not renewed its lease
   * for this long is presumed dead and runs again elsewhere. Leases are renewed
   * while the handler runs (every leaseMs / 3). @default 30000
   */
  readonly leaseMs?: number;
  /** Told every attempt's outcome (logs, metrics). */
  readonly onEvent?: (event: WorkerEvent) => void;
}

export type WorkerEvent =
  | { readonly type: 'started'; readonly job: QueueJob }
  | { readonly type: 'succeeded'; readonly job: QueueJob }
  | { readonly type: 'retrying'; readonly job: QueueJob; readonly error: QueueJobError; readonly delayMs: number }
  | { readonly type: 'failed'; readonly job: QueueJob; readonly error: QueueJobError }
  | { readonly type: 'dropped'; readonly job: QueueJob; readonly reason: 'cancelled' | 'lease-lost' | 'shutdown' };

export interface QueueWorker {
  /**
   * Stops taking jobs and waits up to `graceMs` for running ones to finish;
   * the ones still running then are aborted and handed back (queued again at
   * once, the attempt not counted against them), so no job is lost.
   * @param graceMs @default 10000
   */
  close(graceMs?: number): Promise<void>;
}

export interface JobQueue {
  enqueue(queue: string, name: string, payload: unknown, options?: EnqueueOptions): Promise<EnqueueResult>;
  /** The job, or undefined when unknown (or removed after its retention time). */
  get(id: string): Promise<QueueJob | undefined>;
  /**
   * Cancels a job: queued → cancelled at once; running → cancelled at once (its
   * handler's signal aborts, its result is dropped); finished → unchanged.
   * Returns the job as it is after the call; undefined when unknown.
   */
  cancel(id: string): Promise<QueueJob | undefined>;
  /** Starts a worker on `queue`: it runs `handler` for each job, `concurrency` at a time. */
  work(queue: string, handler: JobHandler, options?: WorkOptions): QueueWorker;
  /** Jobs of the queue by status (finished ones until their retention time ends). */
  counts(queue: string): Promise<Record<QueueJobStatus, number>>;
  /** Closes connections (workers should be closed first). */
  close(): Promise<void>;
}

/** Options every adapter's constructor takes besides its connection. */
export interface JobQueueOptions {
  /** How long finished jobs (and their keys) are kept, in ms. @default 86400000 (24 h) */
  readonly retentionMs?: number;
}
