import type { Pool } from 'pg';
import { MlError } from '../../errors/ml-error.js';
import type { ClaimRequest, ClaimResult, RunCompletion, ScheduleRun, ScheduleRunStatus, ScheduleStore } from '../../ports/schedule-store.js';
import { openMigratedPool } from './migrations.js';
import { toStoreError, withTransaction } from './session.js';

export interface PostgresScheduleStoreOptions {
  readonly connectionString: string;
  /** Schema holding the tables (the metadata store's), created when missing. @default the server's search_path */
  readonly schema?: string;
  /** Connections in the pool; a scheduler needs few. @default 2 */
  readonly max?: number;
  /** Clock for every timestamp the store writes. @default () => new Date() */
  readonly now?: () => Date;
}

/** As node-postgres returns them: TIMESTAMPTZ as Date, BIGSERIAL as string, JSONB parsed. */
interface RunRow {
  id: string;
  schedule: string;
  scheduled_at: Date;
  status: ScheduleRunStatus;
  started_at: Date;
  finished_at: Date | null;
  heartbeat_at: Date;
  attempts: number;
  error: string | null;
  summary: Record<string, unknown> | null;
  owner: string;
}

/** Connects and applies pending migrations (the metadata store's list: schedule runs live beside the registry). */
export async function openPostgresScheduleStore(options: PostgresScheduleStoreOptions): Promise<PostgresScheduleStore> {
  const now = options.now ?? (() => new Date());
  const pool = await openMigratedPool({ ...options, max: options.max ?? 2, connectionTimeoutMillis: 5000 }, now());
  return new PostgresScheduleStore(pool, options.connectionString, now);
}

/**
 * ScheduleStore on PostgreSQL. A claim holds a transaction-scoped advisory lock
 * on the schedule's name, so the overlap check and the insert are one step for
 * every scheduler on every machine; the UNIQUE (schedule, scheduled_at) pair
 * is the second guard.
 */
export class PostgresScheduleStore implements ScheduleStore {
  constructor(
    private readonly pool: Pool,
    private readonly connectionString: string,
    private readonly now: () => Date,
  ) {}

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    const at = this.now();
    const staleBefore = new Date(at.getTime() - request.staleAfterMs);
    return this.guard(() =>
      withTransaction(this.pool, async (tx): Promise<ClaimResult> => {
        await tx.query("SELECT pg_advisory_xact_lock(hashtext('mlpatterns.schedule'), hashtext($1))", [request.schedule]);
        const taken = await tx.query('SELECT 1 FROM schedule_runs WHERE schedule = $1 AND scheduled_at = $2', [request.schedule, request.scheduledAt]);
        if (taken.rowCount !== 0) return { outcome: 'taken' };
        await tx.query(
          `UPDATE schedule_runs SET status = 'failed', finished_at = $1, error = 'abandoned: its scheduler stopped answering'
           WHERE schedule = $2 AND status = 'running' AND heartbeat_at < $3`,
          [at, request.schedule, staleBefore],
        );
        const running = await tx.query("SELECT 1 FROM schedule_runs WHERE schedule = $1 AND status = 'running'", [request.schedule]);
        const status: ScheduleRunStatus = running.rowCount === 0 ? 'running' : 'skipped';
        const { rows } = await tx.query<RunRow>(
          `INSERT INTO schedule_runs (schedule, scheduled_at, status, started_at, finished_at, heartbeat_at, attempts, error, owner)
           VALUES ($1, $2, $3, $4, $5, $4, 0, $6, $7) RETURNING *`,
          [request.schedule, request.scheduledAt, status, at, status === 'skipped' ? at : null, status === 'skipped' ? 'overlap' : null, request.owner],
        );
        const run = toRun(one(rows));
        return status === 'running' ? { outcome: 'claimed', run } : { outcome: 'overlap', run };
      }),
    );
  }

  async heartbeat(id: number, attempts: number): Promise<void> {
    await this.guard(() =>
      this.pool.query("UPDATE schedule_runs SET heartbeat_at = $1, attempts = $2 WHERE id = $3 AND status = 'running'", [this.now(), attempts, id]),
    );
  }

  async finish(id: number, completion: RunCompletion): Promise<ScheduleRun> {
    const at = this.now();
    const { rows } = await this.guard(() =>
      this.pool.query<RunRow>(
        `UPDATE schedule_runs SET status = $1, finished_at = $2, heartbeat_at = $2, attempts = $3, error = $4, summary = $5
         WHERE id = $6 RETURNING *`,
        [completion.status, at, completion.attempts, completion.error ?? null, completion.summary === undefined ? null : JSON.stringify(completion.summary), id],
      ),
    );
    if (rows.length === 0) throw new MlError('INTERNAL', { reason: `schedule run ${id} does not exist` });
    return toRun(one(rows));
  }

  async history(schedule: string, limit: number): Promise<ScheduleRun[]> {
    const { rows } = await this.guard(() =>
      this.pool.query<RunRow>('SELECT * FROM schedule_runs WHERE schedule = $1 ORDER BY scheduled_at DESC, id DESC LIMIT $2', [schedule, limit]),
    );
    return rows.map(toRun);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toStoreError(err, this.connectionString);
    }
  }
}

function one(rows: readonly RunRow[]): RunRow {
  const [row] = rows;
  if (row === undefined) throw new MlError('INTERNAL', { reason: 'a query that returns a row returned none' });
  return row;
}

function toRun(row: RunRow): ScheduleRun {
  return {
    id: Number(row.id),
    schedule: row.schedule,
    scheduledAt: row.scheduled_at.toISOString(),
    status: row.status,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    attempts: row.attempts,
    error: row.error,
    summary: row.summary,
    owner: row.owner,
    heartbeatAt: row.heartbeat_at.toISOString(),
  };
}
