import type { QueueJob } from '../ports/job-queue.js';
import type { JobRecord } from '../ports/job-store.js';

/** What the job API stores in a queued job's `meta` (and shows back). */
export interface ApiJobMeta {
  readonly service?: string;
  /** The client's idempotency key (the queue's key is namespaced, see jobs route). */
  readonly key?: string;
  readonly request_id?: string;
  readonly callback_url?: string;
}

/** A job as the HTTP API shows it (GET, DELETE, SSE events, webhook bodies): snake_case, fields absent until they apply. */
export type JobView = Record<string, unknown> & { readonly job_id: string; readonly status: string };

export const FINAL_STATUSES: ReadonlySet<string> = new Set(['succeeded', 'failed', 'cancelled']);

export function queueJobView(job: QueueJob): JobView {
  const meta = (job.meta ?? {}) as ApiJobMeta;
  return {
    job_id: job.id,
    status: job.status,
    ...(meta.service !== undefined ? { service: meta.service } : {}),
    ...(meta.key !== undefined ? { key: meta.key } : {}),
    ...(meta.request_id !== undefined ? { request_id: meta.request_id } : {}),
    attempts: job.attempts,
    max_attempts: job.maxAttempts,
    created_at: job.createdAt,
    ...(job.startedAt !== undefined ? { started_at: job.startedAt } : {}),
    ...(job.finishedAt !== undefined ? { finished_at: job.finishedAt } : {}),
    ...(job.result !== undefined ? { result: job.result } : {}),
    ...(job.error !== undefined ? { error: { code: job.error.code, message: job.error.message } } : {}),
    ...(meta.callback_url !== undefined ? { callback_url: meta.callback_url } : {}),
  };
}

/** A multistage node's job (in-server, one attempt) in the same shape. */
export function storedJobView(job: JobRecord): JobView {
  return {
    job_id: job.id,
    status: job.status,
    service: job.service,
    ...(job.requestId !== undefined ? { request_id: job.requestId } : {}),
    created_at: job.createdAt,
    ...(job.finishedAt !== undefined ? { finished_at: job.finishedAt } : {}),
    ...(job.result !== undefined ? { result: job.result } : {}),
    ...(job.error !== undefined ? { error: job.error } : {}),
  };
}
