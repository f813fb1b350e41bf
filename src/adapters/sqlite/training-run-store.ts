import { MlError } from '../../errors/ml-error.js';
import type {
  ListRunsQuery,
  NewTrainingRun,
  StepOutputRecord,
  TrainingRun,
  TrainingRunEnd,
  TrainingRunStatus,
  TrainingRunStore,
  TrainingStep,
  TrainingStepStatus,
} from '../../ports/training-run-store.js';
import { openMigratedDatabase } from './migrations.js';
import { Statements, toStoreError, type SqliteDatabase } from './session.js';

export interface SqliteTrainingRunStoreOptions {
  /** The metadata database file (training runs live beside the registry), or `:memory:`. */
  readonly path: string;
  /** Clock for the run timestamps the store writes. @default () => new Date() */
  readonly now?: () => Date;
}

interface RunRow {
  id: string;
  pipeline: string;
  status: TrainingRunStatus;
  params: string;
  resumed_from: string | null;
  pipeline_file: string | null;
  started_at: string;
  finished_at: string | null;
  error: string | null;
  owner: string;
}

interface StepRow {
  run_id: string;
  step: string;
  position: number;
  status: TrainingStepStatus;
  cache_key: string | null;
  cacheable: number;
  attempts: number;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
  reasons: string;
  metrics: string;
  outputs: string;
  log_tail: string;
  cached_from: string | null;
}

/** Opens (creating and migrating) the metadata database for training runs. */
export function openSqliteTrainingRunStore(options: SqliteTrainingRunStoreOptions): SqliteTrainingRunStore {
  const now = options.now ?? (() => new Date());
  return new SqliteTrainingRunStore(openMigratedDatabase(options.path, now()), now);
}

/** TrainingRunStore on better-sqlite3 (JSON columns as TEXT). */
export class SqliteTrainingRunStore implements TrainingRunStore {
  private readonly q: Statements;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly now: () => Date,
  ) {
    this.q = new Statements(db);
  }

  async createRun(run: NewTrainingRun): Promise<TrainingRun> {
    const row = this.guard(() =>
      this.q.one<RunRow>(
        `INSERT INTO training_runs (id, pipeline, status, params, resumed_from, pipeline_file, started_at, owner)
         VALUES (?, ?, 'running', ?, ?, ?, ?, ?) RETURNING *`,
        run.id,
        run.pipeline,
        JSON.stringify(run.params),
        run.resumedFrom ?? null,
        run.pipelineFile ?? null,
        this.now().toISOString(),
        run.owner,
      ),
    );
    return toRun(row);
  }

  async finishRun(id: string, end: TrainingRunEnd): Promise<TrainingRun> {
    const row = this.guard(() =>
      this.q
        .sql<RunRow>('UPDATE training_runs SET status = ?, finished_at = ?, error = ? WHERE id = ? RETURNING *')
        .get(end.status, this.now().toISOString(), end.error ?? null, id),
    );
    if (row === undefined) throw new MlError('TRAINING_RUN_NOT_FOUND', { id });
    return toRun(row);
  }

  async getRun(id: string): Promise<TrainingRun | undefined> {
    const row = this.guard(() => this.q.sql<RunRow>('SELECT * FROM training_runs WHERE id = ?').get(id));
    return row === undefined ? undefined : toRun(row);
  }

  async listRuns(query: ListRunsQuery = {}): Promise<TrainingRun[]> {
    const limit = query.limit ?? 20;
    const rows = this.guard(() =>
      query.pipeline === undefined
        ? this.q.sql<RunRow>('SELECT * FROM training_runs ORDER BY started_at DESC, id DESC LIMIT ?').all(limit)
        : this.q.sql<RunRow>('SELECT * FROM training_runs WHERE pipeline = ? ORDER BY started_at DESC, id DESC LIMIT ?').all(query.pipeline, limit),
    );
    return rows.map(toRun);
  }

  async saveStep(step: TrainingStep): Promise<void> {
    this.guard(() =>
      this.q
        .sql(
          `INSERT INTO training_steps (run_id, step, position, status, cache_key, cacheable, attempts, started_at, finished_at,
             error, reasons, metrics, outputs, log_tail, cached_from)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (run_id, step) DO UPDATE SET position = excluded.position, status = excluded.status,
             cache_key = excluded.cache_key, cacheable = excluded.cacheable, attempts = excluded.attempts,
             started_at = excluded.started_at, finished_at = excluded.finished_at, error = excluded.error,
             reasons = excluded.reasons, metrics = excluded.metrics, outputs = excluded.outputs,
             log_tail = excluded.log_tail, cached_from = excluded.cached_from`,
        )
        .run(
          step.runId,
          step.step,
          step.position,
          step.status,
          step.cacheKey,
          step.cacheable ? 1 : 0,
          step.attempts,
          step.startedAt,
          step.finishedAt,
          step.error,
          JSON.stringify(step.reasons),
          JSON.stringify(step.metrics),
          JSON.stringify(step.outputs),
          JSON.stringify(step.logTail),
          step.cachedFrom,
        ),
    );
  }

  async listSteps(runId: string): Promise<TrainingStep[]> {
    return this.guard(() => this.q.sql<StepRow>('SELECT * FROM training_steps WHERE run_id = ? ORDER BY position, step').all(runId).map(toStep));
  }

  async findReusable(cacheKey: string): Promise<TrainingStep | undefined> {
    const row = this.guard(() =>
      this.q
        .sql<StepRow>(
          `SELECT * FROM training_steps WHERE cache_key = ? AND cacheable = 1 AND status IN ('succeeded', 'cached')
           ORDER BY finished_at DESC, run_id DESC LIMIT 1`,
        )
        .get(cacheKey),
    );
    return row === undefined ? undefined : toStep(row);
  }

  async close(): Promise<void> {
    this.db.close();
  }

  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw toStoreError(err);
    }
  }
}

function toRun(row: RunRow): TrainingRun {
  return {
    id: row.id,
    pipeline: row.pipeline,
    status: row.status,
    params: JSON.parse(row.params) as Record<string, unknown>,
    resumedFrom: row.resumed_from,
    pipelineFile: row.pipeline_file,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
    owner: row.owner,
  };
}

function toStep(row: StepRow): TrainingStep {
  return {
    runId: row.run_id,
    step: row.step,
    position: row.position,
    status: row.status,
    cacheKey: row.cache_key,
    cacheable: row.cacheable === 1,
    attempts: row.attempts,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
    reasons: JSON.parse(row.reasons) as string[],
    metrics: JSON.parse(row.metrics) as Record<string, number>,
    outputs: JSON.parse(row.outputs) as Record<string, StepOutputRecord>,
    logTail: JSON.parse(row.log_tail) as string[],
    cachedFrom: row.cached_from,
  };
}
