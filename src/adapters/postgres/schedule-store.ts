import { MlError } from '../../errors/ml-error.js';
import type { ClaimRequest, ClaimResult, RunCompletion, ScheduleRun, ScheduleRunStatus, ScheduleStore } from '../../ports/schedule-store.js';
import { first } from './rows.js';
import { withTransaction } from './session.js';
import { openPostgresStore, PostgresStoreBase, type PostgresStoreOptions } from './store-base.js';

export type PostgresScheduleStoreOptions = PostgresStoreOptions;

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
export function openPostgresScheduleStore(options: PostgresScheduleStoreOptions): Promise<PostgresScheduleStore> {
  return openPostgresStore(PostgresScheduleStore, options);
}

/**
 * ScheduleStore on PostgreSQL. A claim holds a transaction-scoped advisory lock
 * on the schedule's name, so the overlap check and the insert are one step for
 * every scheduler on every machine; the UNIQUE (schedule, scheduled_at) pair
 * is the second guard.
 */
export class PostgresScheduleStore extends PostgresStoreBase implements ScheduleStore {
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
        const run = toRun(first(rows));
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
    return toRun(first(rows));
  }

  async history(schedule: string, limit: number): Promise<ScheduleRun[]> {
    const { rows } = await this.guard(() =>
      this.pool.query<RunRow>('SELECT * FROM schedule_runs WHERE schedule = $1 ORDER BY scheduled_at DESC, id DESC LIMIT $2', [schedule, limit]),
    );
    return rows.map(toRun);
  }

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
