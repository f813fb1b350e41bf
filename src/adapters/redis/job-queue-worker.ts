import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { formatMessage } from '../../errors/ml-error.js';
import type { ERROR_CODES } from '../../errors/codes.js';
import type { JobHandler, QueueJob, QueueJobError, QueueJobStatus, QueueWorker, WorkerEvent, WorkOptions } from '../../ports/job-queue.js';
import { backoffDelay, describeFailure } from '../job-queue-error.js';
import type { QueueKeyOf } from './job-queue-scripts.js';
import {
  CANCEL_REASON,
  CANCELLED_FIELD,
  encodeFailure,
  rawOfJob,
  toQueueJob,
  type BullJobData,
  type StoredResult,
} from './job-queue-view.js';

/** The backoff type the adapter's jobs carry; only its own workers know it (see backoffStrategy). */
export const BACKOFF_TYPE = 'mlp-exponential';

type DropReason = 'cancelled' | 'lease-lost' | 'shutdown';

interface RunningJob {
  readonly controller: AbortController;
  reason?: DropReason;
}

/** An attempt's failure with the event to report once BullMQ has stored it ('failed' listener). */
type PlannedError = Error & { mlpEvent?: WorkerEvent; mlpDelayMs?: number };

export interface BullWorkerSetup {
  readonly queue: string;
  readonly prefix: string;
  readonly keys: QueueKeyOf;
  /** This worker's own connection (BullMQ duplicates it for its blocking reads); closed with the worker. */
  readonly connection: Redis;
  readonly handler: JobHandler;
  readonly options: WorkOptions;
  readonly cancelPollMs: number;
  /** Removes finished jobs past their retention (BullMQ only does so when another job finishes). */
  readonly sweep: () => Promise<void>;
  readonly sweepEveryMs: number;
  readonly onClosed: () => void;
}

/**
 * One `work()` call: a BullMQ Worker plus what the port asks for and BullMQ
 * does not give as such.
 * - Leases are BullMQ locks (lockDuration = leaseMs, renewed every leaseMs/3);
 *   a stalled-job check every leaseMs/2 moves jobs whose lock ran out back to
 *   wait. BullMQ's own stall limit is lifted: the attempt count decides (a
 *   start past maxAttempts fails the job with JOB_LEASE_EXPIRED), as in the
 *   SQLite adapter.
 * - Cancellation: the job hash carries a mark; the worker polls the marks of
 *   its running jobs and aborts their signals.
 * - Exactly-once result: BullMQ only finishes a job with the lock token of the
 *   attempt that holds it, so a late second result is refused by Redis.
 * - close(graceMs): BullMQ's close stops fetching and waits; past the grace
 *   the running attempts are aborted and moved back to wait (moveToWait with
 *   their token), their attempt uncounted.
 */
export class BullQueueWorker implements QueueWorker {
  readonly #setup: BullWorkerSetup;
  readonly #worker: Worker<BullJobData, StoredResult>;
  readonly #running = new Map<string, RunningJob>();
  readonly #timers: NodeJS.Timeout[] = [];
  #closing: Promise<void> | undefined;
  #abandoned = false;
  /** Past close()'s grace: jobs BullMQ still hands over (fetched before closing) go straight back. */
  #graceOver = false;

  constructor(setup: BullWorkerSetup) {
    this.#setup = setup;
    const leaseMs = setup.options.leaseMs ?? 30_000;
    this.#worker = new Worker<BullJobData, StoredResult>(setup.queue, (job, token) => this.#process(job, token), {
      connection: setup.connection,
      prefix: setup.prefix,
      concurrency: setup.options.concurrency ?? 1,
      lockDuration: leaseMs,
      lockRenewTime: Math.max(1, Math.floor(leaseMs / 3)),
      stalledInterval: Math.max(50, Math.floor(leaseMs / 2)),
      maxStalledCount: Number.MAX_SAFE_INTEGER,
      settings: { backoffStrategy: (_made, _type, err, job) => plannedDelay(err, job) },
    });
    // Connection drops (Redis restarting) and refused finishes (a lost lock) surface
    // here; BullMQ retries what can be retried, and job outcomes go to onEvent.
    this.#worker.on('error', () => undefined);
    this.#worker.on('completed', (job, result) => this.#emit({ type: 'succeeded', job: this.#view(job, 'succeeded', result) }));
    this.#worker.on('failed', (_job, err: PlannedError) => {
      if (err.mlpEvent) this.#emit(err.mlpEvent);
    });
    this.#worker.on('lockRenewalFailed', (ids) => {
      for (const id of ids) this.#abort(id, 'lease-lost');
    });
    this.#every(setup.cancelPollMs, () => this.#pollCancelled());
    this.#every(setup.sweepEveryMs, () => setup.sweep());
  }

  /** Aborts a job this worker runs, when the cancel came through the same BullJobQueue (no poll needed). */
  abortCancelled(bullId: string): void {
    this.#abort(bullId, 'cancelled');
  }

  close(graceMs = 10_000): Promise<void> {
    this.#closing ??= this.#shutdown(graceMs);
    return this.#closing;
  }

  /**
   * Stops the way a crashed process does (for tests of lease expiry): no more
   * fetching, lock renewals or hand-backs, connections dropped; running jobs
   * stay active in Redis until their locks expire and the stall check of
   * another worker takes them back. Late handler outcomes are ignored.
   */
  async abandon(): Promise<void> {
    this.#abandoned = true;
    for (const timer of this.#timers) clearInterval(timer);
    this.#closing ??= this.#worker.close(true).finally(() => {
      this.#setup.connection.disconnect();
      this.#setup.onClosed();
    });
    await this.#closing;
  }

  async #shutdown(graceMs: number): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    const closed = this.#worker.close();
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace'>((resolve) => {
      timer = setTimeout(() => resolve('grace'), graceMs);
    });
    const first = await Promise.race([closed.then(() => 'closed' as const), graceOver]);
    clearTimeout(timer);
    if (first === 'grace') {
      this.#graceOver = true;
      for (const id of this.#running.keys()) this.#abort(id, 'shutdown');
      await closed;
    }
    await this.#setup.connection.quit().catch(() => undefined);
    this.#setup.connection.disconnect();
    this.#setup.onClosed();
  }

  async #process(job: Job<BullJobData, StoredResult>, token: string | undefined): Promise<StoredResult> {
    const id = job.id as string;
    const maxAttempts = job.opts.attempts ?? 1;
    if (job.attemptsStarted > maxAttempts) {
      // The previous start, the last one allowed, died with its lease (the SQLite adapter's rule).
      const error = jobError('JOB_LEASE_EXPIRED', { id: this.#publicId(job), attempts: maxAttempts, maxAttempts });
      throw planned(new UnrecoverableError(encodeFailure(error)), {
        type: 'failed',
        job: this.#view(job, 'failed', undefined, { failedReason: encodeFailure(error), finishedOn: Date.now() }),
        error,
      });
    }
    const run: RunningJob = { controller: new AbortController() };
    this.#running.set(id, run);
    try {
      if (this.#graceOver) return await this.#drop(job, token, 'shutdown');
      const view = this.#view(job, 'running');
      this.#emit({ type: 'started', job: view });
      const outcome = await settle(() => this.#setup.handler({ job: view, signal: run.controller.signal }), run.controller.signal);
      // A crashed worker stores nothing; BullMQ leaves the job alone on WaitingError.
      if (this.#abandoned) throw new WaitingError();
      const reason = run.reason ?? (await this.#stillOurs(job, token));
      if (reason) return await this.#drop(job, token, reason);
      if (outcome.ok) return { value: outcome.value };
      throw this.#attemptFailed(job, outcome.error);
    } finally {
      this.#running.delete(id);
    }
  }

  /** Why the attempt's outcome must not be stored, checked just before BullMQ stores it. */
  async #stillOurs(job: Job<BullJobData, StoredResult>, token: string | undefined): Promise<DropReason | undefined> {
    const jobKey = this.#setup.keys(job.id as string);
    const replies = await this.#setup.connection.pipeline().get(`${jobKey}:lock`).hexists(jobKey, CANCELLED_FIELD).exec();
    if (replies?.[1]?.[1] === 1) return 'cancelled';
    if (replies?.[0]?.[1] !== token) return 'lease-lost';
    return undefined;
  }

  async #drop(job: Job<BullJobData, StoredResult>, token: string | undefined, reason: DropReason): Promise<never> {
    this.#emit({ type: 'dropped', job: this.#view(job, reason === 'cancelled' ? 'cancelled' : 'queued'), reason });
    if (reason === 'shutdown') {
      await this.#handBack(job, token);
      throw new WaitingError();
    }
    const lockHeld = (await this.#setup.connection.get(`${this.#setup.keys(job.id as string)}:lock`)) === token;
    // Without the lock there is nothing to move (the job runs elsewhere, or the
    // stall check takes it back); WaitingError tells BullMQ to leave it alone.
    if (!lockHeld) throw new WaitingError();
    // A cancelled job ends in BullMQ's failed set, keeping the previous attempt's error if any.
    throw new UnrecoverableError(job.failedReason || CANCEL_REASON);
  }

  /** Queued again at once with the attempt uncounted; if the lock is already gone the stall check does it. */
  async #handBack(job: Job<BullJobData, StoredResult>, token: string | undefined): Promise<void> {
    try {
      await job.moveToWait(token);
      await this.#setup.connection.hincrby(this.#setup.keys(job.id as string), 'ats', -1);
    } catch {
      // Lock lost meanwhile: the job is no longer this worker's to hand back.
    }
  }

  #attemptFailed(job: Job<BullJobData, StoredResult>, err: unknown): PlannedError {
    const { error, retryable } = describeFailure(err);
    const attempt = job.attemptsStarted;
    const reason = encodeFailure(error);
    if (retryable && attempt < (job.opts.attempts ?? 1)) {
      const delayMs = backoffDelay(job.opts.backoff && typeof job.opts.backoff === 'object' ? (job.opts.backoff.delay ?? 0) : 0, attempt);
      const retrying = planned(new Error(reason), {
        type: 'retrying',
        job: this.#view(job, 'queued', undefined, { failedReason: reason }),
        error,
        delayMs,
      });
      retrying.mlpDelayMs = delayMs;
      return retrying;
    }
    const failedAt = Date.now();
    return planned(new UnrecoverableError(reason), {
      type: 'failed',
      job: this.#view(job, 'failed', undefined, { failedReason: reason, finishedOn: failedAt }),
      error,
    });
  }

  async #pollCancelled(): Promise<void> {
    const ids = [...this.#running.keys()];
    if (ids.length === 0) return;
    const pipeline = this.#setup.connection.pipeline();
    for (const id of ids) pipeline.hexists(this.#setup.keys(id), CANCELLED_FIELD);
    const replies = (await pipeline.exec()) ?? [];
    ids.forEach((id, i) => {
      if (replies[i]?.[1] === 1) this.#abort(id, 'cancelled');
    });
  }

  #abort(id: string, reason: DropReason): void {
    const run = this.#running.get(id);
    if (!run || run.reason) return;
    run.reason = reason;
    run.controller.abort(new Error(`job ${reason}`));
  }

  #every(ms: number, task: () => Promise<void>): void {
    const timer = setInterval(() => void task().catch(() => undefined), ms);
    timer.unref();
    this.#timers.push(timer);
  }

  #emit(event: WorkerEvent): void {
    try {
      this.#setup.options.onEvent?.(event);
    } catch {
      // A listener's bug must not fail the job.
    }
  }

  #publicId(job: Job<BullJobData, StoredResult>): string {
    return this.#view(job, 'queued').id;
  }

  #view(
    job: Job<BullJobData, StoredResult>,
    status: QueueJobStatus,
    result?: StoredResult,
    overrides: Readonly<Record<string, string | number | undefined>> = {},
  ): QueueJob {
    const finished = status === 'succeeded' ? { finishedOn: job.finishedOn ?? Date.now(), returnvalue: JSON.stringify(result ?? {}) } : {};
    const cancelled = status === 'cancelled' ? { [CANCELLED_FIELD]: Date.now() } : {};
    return toQueueJob(this.#setup.queue, job.id as string, rawOfJob(job, { ...finished, ...cancelled, ...overrides }), status);
  }
}

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** The handler's outcome, or nothing once the signal aborts (the handler may go on; its outcome is dropped). */
function settle(run: () => Promise<unknown>, signal: AbortSignal): Promise<Outcome> {
  const handled = Promise.resolve()
    .then(run)
    .then(
      (value): Outcome => ({ ok: true, value }),
      (error: unknown): Outcome => ({ ok: false, error }),
    );
  const aborted = new Promise<Outcome>((resolve) => {
    signal.addEventListener('abort', () => resolve({ ok: false, error: signal.reason }), { once: true });
  });
  return Promise.race([handled, aborted]);
}

function planned(err: Error, event: WorkerEvent): PlannedError {
  return Object.assign(err, { mlpEvent: event });
}

/** Delay before the next attempt: the worker's own computation, or the port's formula for errors BullMQ raised. */
function plannedDelay(err: PlannedError | undefined, job: { attemptsStarted?: number; opts: { backoff?: unknown } } | undefined): number {
  const plannedMs = err?.mlpDelayMs;
  if (plannedMs !== undefined) return plannedMs;
  const backoff = job?.opts.backoff as { delay?: number } | undefined;
  return backoffDelay(backoff?.delay ?? 0, job?.attemptsStarted ?? 1);
}

function jobError(code: keyof typeof ERROR_CODES, params: Record<string, string | number>): QueueJobError {
  return { code, message: formatMessage(code, params) };
}
