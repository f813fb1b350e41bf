import path from 'node:path';
import { openDatabase, type SqliteDatabase } from '../adapters/sqlite/session.js';

export type RunStatus = 'running' | 'succeeded' | 'failed';
export type ShardStatus = 'queued' | 'done' | 'failed';

export interface RunRow {
  readonly id: string;
  readonly spec: string;
  readonly status: RunStatus;
  /** Null-mode invocations so far (each reads the rows still NULL afresh). */
  readonly pass: number;
  readonly rows: number;
  readonly malformed: number;
  readonly shards: number;
  readonly output: string;
  readonly error_file: string;
  readonly created_at: string;
  readonly updated_at: string;
  readonly finished_at: string | null;
}

export interface ShardRow {
  readonly run_id: string;
  readonly shard: string;
  readonly first_row: number;
  readonly rows: number;
  readonly status: ShardStatus;
  readonly job_id: string | null;
  /** Jobs created for this shard (more than 1 only after a failed shard is retried by a new invocation). */
  readonly submissions: number;
  /** Attempts the finishing job took (more than 1 when a worker died or the model failed and it was retried). */
  readonly attempts: number;
  readonly written: number;
  readonly errors: number;
  readonly error: string | null;
  readonly finished_at: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS batch_runs (
  id TEXT PRIMARY KEY,
  spec TEXT NOT NULL,
  status TEXT NOT NULL,
  pass INTEGER NOT NULL DEFAULT 0,
  rows INTEGER NOT NULL DEFAULT 0,
  malformed INTEGER NOT NULL DEFAULT 0,
  shards INTEGER NOT NULL DEFAULT 0,
  output TEXT NOT NULL,
  error_file TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE TABLE IF NOT EXISTS batch_shards (
  run_id TEXT NOT NULL REFERENCES batch_runs(id) ON DELETE CASCADE,
  shard TEXT NOT NULL,
  first_row INTEGER NOT NULL,
  rows INTEGER NOT NULL,
  status TEXT NOT NULL,
  job_id TEXT,
  submissions INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  written INTEGER NOT NULL DEFAULT 0,
  errors INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  finished_at TEXT,
  PRIMARY KEY (run_id, shard)
);`;

/** The runs table of `batch run`: one row per run, one per shard, in `<stateDir>/batch.db` (what makes a run resumable). */
export class RunStore {
  readonly #db: SqliteDatabase;

  constructor(stateDir: string) {
    this.#db = openDatabase(path.join(stateDir, 'batch.db'));
    this.#db.exec(SCHEMA);
  }

  static pathIn(stateDir: string): string {
    return path.join(stateDir, 'batch.db');
  }

  run(id: string): RunRow | undefined {
    return this.#db.prepare('SELECT * FROM batch_runs WHERE id = ?').get(id) as RunRow | undefined;
  }

  /** Creates the run, or marks an existing one running again (a resume); returns it. */
  begin(id: string, spec: string, output: string, errorFile: string, nullMode: boolean): RunRow {
    const now = new Date().toISOString();
    this.#db
      .prepare(
        `INSERT INTO batch_runs (id, spec, status, output, error_file, created_at, updated_at) VALUES (?, ?, 'running', ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET status = 'running', updated_at = excluded.updated_at, finished_at = NULL`,
      )
      .run(id, spec, output, errorFile, now, now);
    if (nullMode) this.#db.prepare('UPDATE batch_runs SET pass = pass + 1 WHERE id = ?').run(id);
    return this.run(id) as RunRow;
  }

  finish(id: string, status: RunStatus, totals: { rows: number; malformed: number; shards: number }): void {
    const now = new Date().toISOString();
    this.#db
      .prepare('UPDATE batch_runs SET status = ?, rows = ?, malformed = ?, shards = ?, updated_at = ?, finished_at = ? WHERE id = ?')
      .run(status, totals.rows, totals.malformed, totals.shards, now, now, id);
  }

  /** Progress of a running invocation, for `batch status` from another terminal. */
  touch(id: string, totals: { rows: number; malformed: number }): void {
    this.#db.prepare('UPDATE batch_runs SET rows = ?, malformed = ?, updated_at = ? WHERE id = ?').run(totals.rows, totals.malformed, new Date().toISOString(), id);
  }

  shard(runId: string, shard: string): ShardRow | undefined {
    return this.#db.prepare('SELECT * FROM batch_shards WHERE run_id = ? AND shard = ?').get(runId, shard) as ShardRow | undefined;
  }

  shards(runId: string): ShardRow[] {
    return this.#db.prepare('SELECT * FROM batch_shards WHERE run_id = ? ORDER BY first_row').all(runId) as ShardRow[];
  }

  /** Records that a job now carries the shard; `created`: a new job (not the one an earlier invocation queued). */
  queued(runId: string, shard: string, firstRow: number, rows: number, jobId: string, created: boolean): void {
    this.#db
      .prepare(
        `INSERT INTO batch_shards (run_id, shard, first_row, rows, status, job_id, submissions) VALUES (?, ?, ?, ?, 'queued', ?, ?)
         ON CONFLICT (run_id, shard) DO UPDATE SET status = 'queued', job_id = excluded.job_id,
           submissions = submissions + excluded.submissions, first_row = excluded.first_row, rows = excluded.rows, error = NULL`,
      )
      .run(runId, shard, firstRow, rows, jobId, created ? 1 : 0);
  }

  /** `rowErrors`: the rows the model refused, kept (in `error`) to be reported again by a resumed invocation. */
  done(runId: string, shard: string, outcome: { attempts: number; written: number; errors: number; rowErrors: readonly unknown[] }): void {
    const kept = outcome.rowErrors.length > 0 ? JSON.stringify(outcome.rowErrors) : null;
    this.#db
      .prepare(`UPDATE batch_shards SET status = 'done', attempts = ?, written = ?, errors = ?, error = ?, finished_at = ? WHERE run_id = ? AND shard = ?`)
      .run(outcome.attempts, outcome.written, outcome.errors, kept, new Date().toISOString(), runId, shard);
  }

  failed(runId: string, shard: string, attempts: number, error: string): void {
    this.#db
      .prepare(`UPDATE batch_shards SET status = 'failed', attempts = ?, error = ?, finished_at = ? WHERE run_id = ? AND shard = ?`)
      .run(attempts, error, new Date().toISOString(), runId, shard);
  }

  /** Keys written by every invocation of the run (done shards). */
  keysWritten(runId: string): number {
    const row = this.#db.prepare(`SELECT coalesce(sum(written), 0) AS n FROM batch_shards WHERE run_id = ? AND status = 'done'`).get(runId) as { n: number };
    return row.n;
  }

  close(): void {
    this.#db.close();
  }
}
