import type { Logger } from 'pino';
import type { JobQueue, QueueJob, WorkerEvent } from '../ports/job-queue.js';
import { deliverCallback, type CallbackOptions } from './callback.js';
import { jobDispatcher } from './dispatch.js';
import type { WorkerDeps } from './handlers.js';
import { queueJobView, type ApiJobMeta } from './job-view.js';
import './all-handlers.js';

/** The queue the job API submits to and workers take from unless told otherwise. */
export const DEFAULT_JOB_QUEUE = 'default';

export interface JobWorkerOptions {
  readonly queue: JobQueue;
  readonly deps: WorkerDeps;
  /** @default DEFAULT_JOB_QUEUE */
  readonly queueName?: string;
  /** Jobs run at once. @default 1 */
  readonly concurrency?: number;
  /** Visibility timeout, ms (see WorkOptions.leaseMs). @default 30000 */
  readonly leaseMs?: number;
  /** An attempt running longer fails with JOB_TIMEOUT. @default none */
  readonly jobTimeoutMs?: number | undefined;
  readonly log?: Pick<Logger, 'info' | 'warn' | 'error'> | undefined;
  /** Told every attempt's outcome after it is logged (metrics). */
  readonly onEvent?: (event: WorkerEvent) => void;
  /** Webhook delivery settings (tests shorten the backoff). */
  readonly callback?: Omit<CallbackOptions, 'onFailure' | 'signal'>;
}

export interface JobWorker {
  /**
   * Stops taking jobs, waits up to `graceMs` for running ones (the rest are
   * handed back to the queue, see QueueWorker.close), then waits for webhook
   * deliveries under way (their remaining retries are dropped).
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * A worker for the job API and batch runs: takes jobs from the queue, runs the
 * handler registered for each job's name, logs every outcome, and POSTs
 * finished jobs to their `callback_url`. Used by `mlpatterns worker` and by
 * `mlpatterns serve --workers-inline`.
 */
export function startJobWorker(options: JobWorkerOptions): JobWorker {
  const { queue, log } = options;
  const deliveries = new Set<Promise<unknown>>();
  const closing = new AbortController();

  const callBack = (job: QueueJob): void => {
    const url = (job.meta as ApiJobMeta | undefined)?.callback_url;
    if (url === undefined) return;
    const delivery = (async () => {
      // The event's copy may predate the recorded outcome: send what GET /v1/jobs/{id} would answer.
      const finished = (await queue.get(job.id).catch(() => undefined)) ?? job;
      const delivered = await deliverCallback(url, queueJobView(finished), {
        ...options.callback,
        signal: closing.signal,
        onFailure: ({ attempt, reason, willRetry }) =>
          log?.warn({ job: job.id, url, attempt, reason, willRetry }, willRetry ? 'job callback failed, will retry' : 'job callback not delivered'),
      });
      if (delivered) log?.info({ job: job.id, url }, 'job callback delivered');
    })().finally(() => deliveries.delete(delivery));
    deliveries.add(delivery);
  };

  const onEvent = (event: WorkerEvent): void => {
    logEvent(log, event);
    if (event.type === 'succeeded' || event.type === 'failed') callBack(event.job);
    options.onEvent?.(event);
  };

  const worker = queue.work(options.queueName ?? DEFAULT_JOB_QUEUE, jobDispatcher(options.deps, { timeoutMs: options.jobTimeoutMs }), {
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.leaseMs !== undefined ? { leaseMs: options.leaseMs } : {}),
    onEvent,
  });

  let closed: Promise<void> | undefined;
  return {
    close: (graceMs) =>
      (closed ??= (async () => {
        await worker.close(graceMs);
        closing.abort();
        await Promise.allSettled([...deliveries]);
      })()),
  };
}

function logEvent(log: JobWorkerOptions['log'], event: WorkerEvent): void {
  if (!log) return;
  const { job } = event;
  const fields = { job: job.id, name: job.name, attempt: job.attempts, maxAttempts: job.maxAttempts };
  switch (event.type) {
    case 'started':
      return log.info(fields, 'job started');
    case 'succeeded':
      return log.info({ ...fields, ms: elapsedMs(job) }, 'job succeeded');
    case 'retrying':
      return log.warn({ ...fields, code: event.error.code, error: event.error.message, delayMs: event.delayMs }, 'job attempt failed, will retry');
    case 'failed':
      return log.error({ ...fields, code: event.error.code, error: event.error.message }, 'job failed');
    case 'dropped':
      return log.warn({ ...fields, reason: event.reason }, 'job attempt dropped');
  }
}

function elapsedMs(job: QueueJob): number | undefined {
  if (job.startedAt === undefined) return undefined;
  return Date.now() - Date.parse(job.startedAt);
}
