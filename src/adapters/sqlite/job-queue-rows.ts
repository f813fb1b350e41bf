import type { QueueJob, QueueJobError, QueueJobStatus } from '../../ports/job-queue.js';

/**
 * The jobs table. Times the queue computes with (run_at, lease_until,
 * finished_ms) are epoch milliseconds; the ones it shows are ISO strings.
 * The partial indexes hold only what the claim looks for, so finished jobs
 * (most of the table) cost the claim nothing.
 */
export const JOB_QUEUE_SCHEMA = `
CREATE TABLE IF NOT EXISTS queue_jobs (
  id TEXT NOT NULL UNIQUE,
  queue TEXT NOT NULL,
  name TEXT NOT NULL,
  payload TEXT NOT NULL,
  key TEXT,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  backoff_ms INTEGER NOT NULL,
  -- When a queued job may run (now, or later while a retry waits out its backoff).
  run_at INTEGER NOT NULL,
  lease_owner TEXT,
  lease_token TEXT,
  lease_until INTEGER,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  finished_ms INTEGER,
  result TEXT,
  error TEXT,
  meta TEXT,
  UNIQUE (queue, key)
);
CREATE INDEX IF NOT EXISTS queue_jobs_runnable ON queue_jobs (queue, run_at) WHERE status = 'queued';
CREATE INDEX IF NOT EXISTS queue_jobs_leased ON queue_jobs (queue, lease_until) WHERE status = 'running';
CREATE INDEX IF NOT EXISTS queue_jobs_by_status ON queue_jobs (queue, status);
CREATE INDEX IF NOT EXISTS queue_jobs_finished ON queue_jobs (finished_ms) WHERE finished_ms IS NOT NULL;
`;

export interface JobRow {
  readonly id: string;
  readonly queue: string;
  readonly name: string;
  readonly payload: string;
  readonly key: string | null;
  readonly status: QueueJobStatus;
  readonly attempts: number;
  readonly max_attempts: number;
  readonly backoff_ms: number;
  readonly run_at: number;
  readonly lease_owner: string | null;
  readonly lease_token: string | null;
  readonly lease_until: number | null;
  readonly created_at: string;
  readonly started_at: string | null;
  readonly finished_at: string | null;
  readonly finished_ms: number | null;
  readonly result: string | null;
  readonly error: string | null;
  readonly meta: string | null;
}

/** A fresh object on every call: JSON columns are parsed anew, so callers may mutate what they get. */
export function toQueueJob(row: JobRow): QueueJob {
  return {
    id: row.id,
    queue: row.queue,
    name: row.name,
    payload: JSON.parse(row.payload) as unknown,
    ...(row.key !== null && { key: row.key }),
    status: row.status,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    createdAt: row.created_at,
    ...(row.started_at !== null && { startedAt: row.started_at }),
    ...(row.finished_at !== null && { finishedAt: row.finished_at }),
    ...(row.result !== null && { result: JSON.parse(row.result) as unknown }),
    ...(row.error !== null && { error: JSON.parse(row.error) as QueueJobError }),
    ...(row.meta !== null && { meta: JSON.parse(row.meta) as Record<string, unknown> }),
  };
}

/** JSON text for a column; `undefined` (a handler that returns nothing) is stored as SQL NULL. */
export function jsonOrNull(value: unknown): string | null {
  const text = JSON.stringify(value);
  return text === undefined ? null : text;
}
