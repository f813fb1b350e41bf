import type { ClaimRequest, ClaimResult, RunCompletion, ScheduleRun, ScheduleRunStatus, ScheduleStore } from '../../ports/schedule-store.js';
import { MlError } from '../../errors/ml-error.js';
import { openSqliteStore, SqliteStoreBase, type SqliteStoreOptions } from './store-base.js';

export type SqliteScheduleStoreOptions = SqliteStoreOptions;

interface RunRow {
  id: number;
  schedule: string;
  scheduled_at: string;
  status: ScheduleRunStatus;
  started_at: string;
  finished_at: string | null;
  heartbeat_at: string;
  attempts: number;
  error: string | null;
  summary: string | null;
  owner: string;
}

/** Opens (creating and migrating) the metadata database for schedule runs. */
export function openSqliteScheduleStore(options: SqliteScheduleStoreOptions): SqliteScheduleStore {
  return openSqliteStore(SqliteScheduleStore, options);
}

/**
 * ScheduleStore on better-sqlite3. A claim is one IMMEDIATE transaction: it
 * takes the write lock first, so schedulers in other processes on the same
 * file queue behind it (busy_timeout) and see its row when their turn comes.
 */
export class SqliteScheduleStore extends SqliteStoreBase implements ScheduleStore {
  async claim(request: ClaimRequest): Promise<ClaimResult> {
    const at = this.now();
    const stamp = at.toISOString();
    const tick = request.scheduledAt.toISOString();
    const staleBefore = new Date(at.getTime() - request.staleAfterMs).toISOString();
    const claim = (): ClaimResult => {
      const taken = this.q.sql('SELECT 1 FROM schedule_runs WHERE schedule = ? AND scheduled_at = ?').get(request.schedule, tick);
      if (taken !== undefined) return { outcome: 'taken' };
      this.q
        .sql(`UPDATE schedule_runs SET status = 'failed', finished_at = ?, error = 'abandoned: its scheduler stopped answering'
              WHERE schedule = ? AND status = 'running' AND heartbeat_at < ?`)
        .run(stamp, request.schedule, staleBefore);
      const running = this.q.sql("SELECT 1 FROM schedule_runs WHERE schedule = ? AND status = 'running'").get(request.schedule);
      const status: ScheduleRunStatus = running === undefined ? 'running' : 'skipped';
      const row = this.q.one<RunRow>(
        `INSERT INTO schedule_runs (schedule, scheduled_at, status, started_at, finished_at, heartbeat_at, attempts, error, owner)
         VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?) RETURNING *`,
        request.schedule,
        tick,
        status,
        stamp,
        status === 'skipped' ? stamp : null,
        stamp,
        status === 'skipped' ? 'overlap' : null,
        request.owner,
      );
      return status === 'running' ? { outcome: 'claimed', run: toRun(row) } : { outcome: 'overlap', run: toRun(row) };
    };
    return this.guard(() => this.db.transaction(claim).immediate());
  }

  async heartbeat(id: number, attempts: number): Promise<void> {
    const stamp = this.now().toISOString();
    this.guard(() => this.q.sql("UPDATE schedule_runs SET heartbeat_at = ?, attempts = ? WHERE id = ? AND status = 'running'").run(stamp, attempts, id));
  }

  async finish(id: number, completion: RunCompletion): Promise<ScheduleRun> {
    const stamp = this.now().toISOString();
    const row = this.guard(() =>
      this.q
        .sql<RunRow>(
          `UPDATE schedule_runs SET status = ?, finished_at = ?, heartbeat_at = ?, attempts = ?, error = ?, summary = ?
           WHERE id = ? RETURNING *`,
        )
        .get(
          completion.status,
          stamp,
          stamp,
          completion.attempts,
          completion.error ?? null,
          completion.summary === undefined ? null : JSON.stringify(completion.summary),
          id,
        ),
    );
    if (row === undefined) throw new MlError('INTERNAL', { reason: `schedule run ${id} does not exist` });
    return toRun(row);
  }

  async history(schedule: string, limit: number): Promise<ScheduleRun[]> {
    return this.guard(() =>
      this.q
        .sql<RunRow>('SELECT * FROM schedule_runs WHERE schedule = ? ORDER BY scheduled_at DESC, id DESC LIMIT ?')
        .all(schedule, limit)
        .map(toRun),
    );
  }

}

function toRun(row: RunRow): ScheduleRun {
  return {
    id: row.id,
    schedule: row.schedule,
    scheduledAt: row.scheduled_at,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    attempts: row.attempts,
    error: row.error,
    summary: row.summary === null ? null : (JSON.parse(row.summary) as Record<string, unknown>),
    owner: row.owner,
    heartbeatAt: row.heartbeat_at,
  };
}
