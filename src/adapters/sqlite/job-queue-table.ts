import { randomUUID } from 'node:crypto';
import type { AttemptFailure } from '../job-queue-error.js';
import { backoffDelay } from '../job-queue-error.js';
import type { EnqueueOptions, QueueJobError, QueueJobStatus } from '../../ports/job-queue.js';
import { JOB_STATUSES } from '../../ports/job-queue.js';
import type { JobRow } from './job-queue-rows.js';
import type { Statements } from './session.js';

export const DEFAULT_MAX_ATTEMPTS = 3;
export const DEFAULT_BACKOFF_MS = 1000;

/** Columns every write that ends a job's lease clears. */
const NO_LEASE = 'lease_owner = NULL, lease_token = NULL, lease_until = NULL';

/** A job to insert; its payload already serialised (so a payload JSON cannot carry fails its own enqueue only). */
export interface NewJobRow {
  readonly queue: string;
  readonly name: string;
  readonly payloadJson: string;
  readonly options: EnqueueOptions;
}

/** How an attempt ended, as the worker reports it. */
export type AttemptOutcome =
  | { readonly kind: 'succeeded'; readonly id: string; readonly token: string; readonly resultJson: string | null }
  | { readonly kind: 'failed'; readonly id: string; readonly token: string; readonly failure: AttemptFailure };

/** The job after its outcome was recorded; `delayMs` when it was queued again for a retry. */
export interface Settled {
  readonly row: JobRow;
  readonly delayMs?: number;
}

/** A claim's outcome: jobs this worker now runs, and jobs whose dead worker used their last attempt. */
export interface Claim {
  readonly claimed: JobRow[];
  readonly exhausted: JobRow[];
}

/**
 * Every read and write of the jobs table, synchronous (better-sqlite3) and
 * each one transaction, so that two processes on one file never interleave
 * half of a state change. Writes that finish an attempt only apply while the
 * caller's lease token is still the job's and the job is still running: that
 * is what makes a job's visible result exactly-once.
 */
export class JobTable {
  constructor(
    private readonly sql: Statements,
    private readonly retentionMs: number,
  ) {}

  /**
   * Inserts a batch of new jobs in one transaction (one WAL commit for many
   * submissions). A job whose key is already used in its queue is not
   * inserted: the existing one is answered, `created: false`.
   */
  insertMany(requests: readonly NewJobRow[], now: number): { row: JobRow; created: boolean }[] {
    return this.sql.db.transaction(() => requests.map((request) => this.#insertOne(request, now))).immediate();
  }

  #insertOne(request: NewJobRow, now: number): { row: JobRow; created: boolean } {
    const { queue, options } = request;
    if (options.key !== undefined) {
      const existing = this.sql.sql<JobRow>('SELECT * FROM queue_jobs WHERE queue = ? AND key = ?').get(queue, options.key);
      if (existing && this.#visible(existing, now)) return { row: existing, created: false };
      // A key whose job outlived its retention is free again.
      if (existing) this.sql.sql('DELETE FROM queue_jobs WHERE id = ?').run(existing.id);
    }
    const row = this.sql.one<JobRow>(
      `INSERT INTO queue_jobs (id, queue, name, payload, key, status, max_attempts, backoff_ms, run_at, created_at, meta)
       VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?) RETURNING *`,
      randomUUID(),
      queue,
      request.name,
      request.payloadJson,
      options.key ?? null,
      options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      options.backoffMs ?? DEFAULT_BACKOFF_MS,
      now,
      new Date(now).toISOString(),
      options.meta === undefined ? null : JSON.stringify(options.meta),
    );
    return { row, created: true };
  }

  get(id: string, now: number): JobRow | undefined {
    const row = this.sql.sql<JobRow>('SELECT * FROM queue_jobs WHERE id = ?').get(id);
    return row && this.#visible(row, now) ? row : undefined;
  }

  /** Queued or running → cancelled; anything else is answered as it is. */
  cancel(id: string, now: number): JobRow | undefined {
    const cancelled = this.sql
      .sql<JobRow>(
        `UPDATE queue_jobs SET status = 'cancelled', finished_at = ?, finished_ms = ?, ${NO_LEASE}
         WHERE id = ? AND status IN ('queued', 'running') RETURNING *`,
      )
      .get(new Date(now).toISOString(), now, id);
    return cancelled ?? this.get(id, now);
  }

  counts(queue: string, now: number): Record<QueueJobStatus, number> {
    const counts = Object.fromEntries(JOB_STATUSES.map((status) => [status, 0])) as Record<QueueJobStatus, number>;
    const rows = this.sql
      .sql<{ status: QueueJobStatus; n: number }>(
        'SELECT status, count(*) AS n FROM queue_jobs WHERE queue = ? AND (finished_ms IS NULL OR finished_ms > ?) GROUP BY status',
      )
      .all(queue, now - this.retentionMs);
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }

  /**
   * Takes up to `limit` jobs for `owner`: first running jobs whose lease has
   * expired (their worker is presumed dead; this is a new attempt, or the job
   * fails when none is left), then the oldest runnable queued ones.
   */
  claim(queue: string, owner: string, limit: number, leaseMs: number, now: number): Claim {
    const startedAt = new Date(now).toISOString();
    const take = (where: string, order: string, max: number): JobRow[] => {
      if (max <= 0) return [];
      const rows = this.sql
        .sql<JobRow>(
          `UPDATE queue_jobs SET status = 'running', attempts = attempts + 1, started_at = ?,
             lease_owner = ?, lease_token = ? || id, lease_until = ?
           WHERE rowid IN (SELECT rowid FROM queue_jobs WHERE ${where} ORDER BY ${order} LIMIT ?)
           RETURNING *`,
        )
        .all(startedAt, owner, randomUUID(), now + leaseMs, queue, now, max);
      // The claim's random part plus the job id: every job of one claim gets its own token.
      return rows;
    };
    return this.sql.db
      .transaction((): Claim => {
        const exhausted = this.sql
          .sql<JobRow>(
            `UPDATE queue_jobs SET status = 'failed', finished_at = ?, finished_ms = ?, error = json_object(
               'code', 'JOB_LEASE_EXPIRED',
               'message', 'Job "' || id || '": its worker stopped renewing the lease (crashed or stalled) on attempt '
                 || attempts || ' of ' || max_attempts), ${NO_LEASE}
             WHERE queue = ? AND status = 'running' AND lease_until <= ? AND attempts >= max_attempts RETURNING *`,
          )
          .all(startedAt, now, queue, now);
        const expired = take("queue = ? AND status = 'running' AND lease_until <= ?", 'lease_until', limit);
        const queued = take("queue = ? AND status = 'queued' AND run_at <= ?", 'run_at, rowid', limit - expired.length);
        return { claimed: [...expired, ...queued], exhausted };
      })
      .immediate();
  }

  /** Extends leases in one transaction; false for each no longer this token's (cancelled, or taken over after expiring). */
  renewMany(leases: readonly { readonly id: string; readonly token: string }[], until: number): boolean[] {
    const renew = this.sql.sql("UPDATE queue_jobs SET lease_until = ? WHERE id = ? AND lease_token = ? AND status = 'running'");
    return this.sql.db.transaction(() => leases.map(({ id, token }) => renew.run(until, id, token).changes === 1)).immediate();
  }

  /**
   * Records the outcomes of finished attempts in one transaction. Each applies
   * only while its lease token is still the job's and the job still runs;
   * otherwise its answer is undefined and the outcome is dropped.
   */
  settleMany(outcomes: readonly AttemptOutcome[], now: number): (Settled | undefined)[] {
    return this.sql.db
      .transaction(() =>
        outcomes.map((outcome) =>
          outcome.kind === 'succeeded'
            ? this.#complete(outcome.id, outcome.token, outcome.resultJson, now)
            : this.#fail(outcome.id, outcome.token, outcome.failure, now),
        ),
      )
      .immediate();
  }

  #complete(id: string, token: string, resultJson: string | null, now: number): Settled | undefined {
    const row = this.sql
      .sql<JobRow>(
        `UPDATE queue_jobs SET status = 'succeeded', result = ?, error = NULL, finished_at = ?, finished_ms = ?, ${NO_LEASE}
         WHERE id = ? AND lease_token = ? AND status = 'running' RETURNING *`,
      )
      .get(resultJson, new Date(now).toISOString(), now, id, token);
    return row && { row };
  }

  /** Queued again after the backoff while attempts remain and the error allows it; failed for good otherwise. */
  #fail(id: string, token: string, failure: AttemptFailure, now: number): Settled | undefined {
    const error = JSON.stringify(failure.error satisfies QueueJobError);
    const row = this.sql
      .sql<JobRow>("SELECT * FROM queue_jobs WHERE id = ? AND lease_token = ? AND status = 'running'")
      .get(id, token);
    if (!row) return undefined;
    if (failure.retryable && row.attempts < row.max_attempts) {
      const delayMs = backoffDelay(row.backoff_ms, row.attempts);
      const retried = this.sql.one<JobRow>(
        `UPDATE queue_jobs SET status = 'queued', run_at = ?, error = ?, ${NO_LEASE} WHERE id = ? RETURNING *`,
        now + delayMs,
        error,
        id,
      );
      return { row: retried, delayMs };
    }
    const failed = this.sql.one<JobRow>(
      `UPDATE queue_jobs SET status = 'failed', error = ?, finished_at = ?, finished_ms = ?, ${NO_LEASE} WHERE id = ? RETURNING *`,
      error,
      new Date(now).toISOString(),
      now,
      id,
    );
    return { row: failed };
  }

  /** Queued again at once, the attempt not counted: the worker shut down before the handler finished. */
  handBack(id: string, token: string, now: number): boolean {
    return (
      this.sql
        .sql(
          `UPDATE queue_jobs SET status = 'queued', attempts = max(attempts - 1, 0), run_at = ?, ${NO_LEASE}
           WHERE id = ? AND lease_token = ? AND status = 'running'`,
        )
        .run(now, id, token).changes === 1
    );
  }

  /** The job's status now (undefined once deleted): tells a dropped attempt whether it was cancelled. */
  status(id: string): QueueJobStatus | undefined {
    return this.sql.sql<{ status: QueueJobStatus }>('SELECT status FROM queue_jobs WHERE id = ?').get(id)?.status;
  }

  /** Deletes jobs finished longer ago than the retention time; answers how many went. */
  sweep(now: number): number {
    return this.sql.sql('DELETE FROM queue_jobs WHERE finished_ms <= ?').run(now - this.retentionMs).changes;
  }

  #visible(row: JobRow, now: number): boolean {
    return row.finished_ms === null || row.finished_ms > now - this.retentionMs;
  }
}
