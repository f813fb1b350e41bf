import type { Job } from 'bullmq';
import type { QueueJob, QueueJobError, QueueJobStatus } from '../../ports/job-queue.js';
import { keyedGeneration, publicJobId } from './job-queue-ids.js';

/**
 * How the port's jobs are kept in BullMQ's job hash, and how they are read
 * back. BullMQ owns the standard fields (name, data, opts, timestamp,
 * processedOn, finishedOn, returnvalue, failedReason, ats = attempts
 * started); the adapter adds one field of its own, CANCELLED_FIELD.
 */

/** Hash field set (epoch ms) when the job is cancelled; BullMQ ignores fields it does not know. */
export const CANCELLED_FIELD = 'mlpCancelledAt';

/**
 * failedReason of a job cancelled while running that had no earlier error: the
 * cancellation is no error of the job's own, so it is not shown as one.
 */
export const CANCEL_REASON = 'mlp:cancelled';

/** The job's `data`: the payload plus what the port returns with it. */
export interface BullJobData {
  readonly payload: unknown;
  readonly key?: string;
  readonly meta?: Record<string, unknown>;
  /** Random per enqueue call: tells a keyed enqueue whether it created the job or found it. */
  readonly nonce: string;
}

/**
 * Results are stored wrapped, so that a handler returning nothing (stored as
 * `{}`) differs from one returning `null`.
 */
export interface StoredResult {
  readonly value?: unknown;
}

/** Where the job is in BullMQ, as the read script reports it. */
export type BullState = 'queued' | 'active' | 'completed' | 'failed';

/**
 * BullMQ keeps one string per failure (failedReason); the port wants a code
 * and a message, so the string is `CODE: message`.
 */
export function encodeFailure(error: QueueJobError): string {
  return `${error.code}: ${error.message}`;
}

export function decodeFailure(reason: string | undefined): QueueJobError | undefined {
  if (!reason || reason === CANCEL_REASON) return undefined;
  const match = /^([A-Z][A-Z0-9_]*): ([\s\S]*)$/.exec(reason);
  if (match) return { code: match[1] as string, message: match[2] as string };
  // Written by BullMQ itself (e.g. a job that stalled past its limit).
  return { code: 'JOB_HANDLER_FAILED', message: reason };
}

export function statusOf(state: BullState, cancelled: boolean): QueueJobStatus {
  if (cancelled) return 'cancelled';
  switch (state) {
    case 'completed':
      return 'succeeded';
    case 'failed':
      return 'failed';
    case 'active':
      return 'running';
    default:
      return 'queued';
  }
}

/** When the job finished (epoch ms), for retention; undefined while it is not finished. */
export function finishedMs(raw: Readonly<Record<string, string>>, status: QueueJobStatus): number | undefined {
  if (status === 'cancelled') return toInt(raw[CANCELLED_FIELD]);
  if (status === 'succeeded' || status === 'failed') return toInt(raw.finishedOn);
  return undefined;
}

/** The port's view of a raw BullMQ job hash: a fresh object, JSON parsed anew. */
export function toQueueJob(queue: string, bullId: string, raw: Readonly<Record<string, string>>, status: QueueJobStatus): QueueJob {
  const data = JSON.parse(raw.data ?? '{}') as Partial<BullJobData>;
  const opts = JSON.parse(raw.opts ?? '{}') as { attempts?: number };
  const maxAttempts = opts.attempts ?? 1;
  const startedAt = toInt(raw.processedOn);
  const finishedAt = finishedMs(raw, status);
  const error = decodeFailure(raw.failedReason);
  const result = status === 'succeeded' && raw.returnvalue ? (JSON.parse(raw.returnvalue) as StoredResult | null) : undefined;
  return {
    id: publicJobId(queue, bullId, keyedGeneration(bullId, data.nonce)),
    queue,
    name: raw.name ?? '',
    payload: data.payload ?? null,
    ...(data.key !== undefined && { key: data.key }),
    status,
    // A start past the last attempt only ever fails at once (its lease ran out), so it is not shown.
    attempts: Math.min(toInt(raw.ats) ?? 0, maxAttempts),
    maxAttempts,
    createdAt: iso(toInt(raw.timestamp) ?? 0),
    ...(startedAt !== undefined && { startedAt: iso(startedAt) }),
    ...(finishedAt !== undefined && { finishedAt: iso(finishedAt) }),
    ...(result && 'value' in result && { result: result.value }),
    ...(error && status !== 'succeeded' && { error }),
    ...(data.meta !== undefined && { meta: data.meta }),
  };
}

/** The hash fields of a BullMQ Job object in memory (a worker's or a fresh one's), to view it without a read. */
export function rawOfJob(job: Job, overrides: Readonly<Record<string, string | number | undefined>> = {}): Record<string, string> {
  const fields: Record<string, string | number | undefined> = {
    name: job.name,
    data: JSON.stringify(job.data),
    opts: JSON.stringify({ attempts: job.opts.attempts }),
    timestamp: job.timestamp,
    processedOn: job.processedOn,
    finishedOn: job.finishedOn,
    failedReason: job.failedReason,
    ats: job.attemptsStarted,
    ...overrides,
  };
  const raw: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) if (value !== undefined && value !== '') raw[name] = String(value);
  return raw;
}

function toInt(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) ? n : undefined;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
