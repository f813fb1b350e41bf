import type { Pool } from 'pg';
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
import { openMigratedPool } from './migrations.js';
import { toStoreError } from './session.js';

export interface PostgresTrainingRunStoreOptions {
  readonly connectionString: string;
  /** Schema holding the tables (the metadata store's), created when missing. @default the server's search_path */
  readonly schema?: string;
  /** Connections in the pool; the runner writes a few rows per step. @default 2 */
  readonly max?: number;
  /** Clock for the run timestamps the store writes. @default () => new Date() */
  readonly now?: () => Date;
}

/** As node-postgres returns them: TIMESTAMPTZ as Date, JSONB parsed. */
interface RunRow {
  id: string;
  pipeline: string;
  status: TrainingRunStatus;
  params: Record<string, unknown>;
  resumed_from: string | null;
  pipeline_file: string | null;
  started_at: Date;
  finished_at: Date | null;
  error: string | null;
  owner: string;
}

interface StepRow {
  run_id: string;
  step: string;
  position: number;
  status: TrainingStepStatus;
  cache_key: string | null;
  cacheable: boolean;
  attempts: number;
  started_at: Date | null;
  finished_at: Date | null;
  error: string | null;
  reasons: string[];
  metrics: Record<string, number>;
  outputs: Record<string, StepOutputRecord>;
  log_tail: string[];
  cached_from: string | null;
}

/** Connects and applies pending migrations (the metadata store's list: runs live beside the registry). */
export async function openPostgresTrainingRunStore(options: PostgresTrainingRunStoreOptions): Promise<PostgresTrainingRunStore> {
  const now = options.now ?? (() => new Date());
  const pool = await openMigratedPool({ ...options, max: options.max ?? 2, connectionTimeoutMillis: 5000 }, now());
  return new PostgresTrainingRunStore(pool, options.connectionString, now);
}

/** TrainingRunStore on PostgreSQL. */
export class PostgresTrainingRunStore implements TrainingRunStore {
  constructor(
    private readonly pool: Pool,
    private readonly connectionString: string,
    private readonly now: () => Date,
  ) {}

  async createRun(run: NewTrainingRun): Promise<TrainingRun> {
    const { rows } = await this.guard(() =>
      this.pool.query<RunRow>(
        `INSERT INTO training_runs (id, pipeline, status, params, resumed_from, pipeline_file, started_at, owner)
         VALUES ($1, $2, 'running', $3, $4, $5, $6, $7) RETURNING *`,
        [run.id, run.pipeline, JSON.stringify(run.params), run.resumedFrom ?? null, run.pipelineFile ?? null, this.now(), run.owner],
      ),
    );
    return toRun(one(rows));
  }

  async finishRun(id: string, end: TrainingRunEnd): Promise<TrainingRun> {
    const { rows } = await this.guard(() =>
      this.pool.query<RunRow>('UPDATE training_runs SET status = $1, finished_at = $2, error = $3 WHERE id = $4 RETURNING *', [
        end.status,
        this.now(),
        end.error ?? null,
        id,
      ]),
    );
    if (rows.length === 0) throw new MlError('TRAINING_RUN_NOT_FOUND', { id });
    return toRun(one(rows));
  }

  async getRun(id: string): Promise<TrainingRun | undefined> {
    const { rows } = await this.guard(() => this.pool.query<RunRow>('SELECT * FROM training_runs WHERE id = $1', [id]));
    return rows[0] === undefined ? undefined : toRun(rows[0]);
  }

  async listRuns(query: ListRunsQuery = {}): Promise<TrainingRun[]> {
    const limit = query.limit ?? 20;
    const { rows } = await this.guard(() =>
      query.pipeline === undefined
        ? this.pool.query<RunRow>('SELECT * FROM training_runs ORDER BY started_at DESC, id DESC LIMIT $1', [limit])
        : this.pool.query<RunRow>('SELECT * FROM training_runs WHERE pipeline = $1 ORDER BY started_at DESC, id DESC LIMIT $2', [query.pipeline, limit]),
    );
    return rows.map(toRun);
  }

  async saveStep(step: TrainingStep): Promise<void> {
    await this.guard(() =>
      this.pool.query(
        `INSERT INTO training_steps (run_id, step, position, status, cache_key, cacheable, attempts, started_at, finished_at,
           error, reasons, metrics, outputs, log_tail, cached_from)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         ON CONFLICT (run_id, step) DO UPDATE SET position = excluded.position, status = excluded.status,
           cache_key = excluded.cache_key, cacheable = excluded.cacheable, attempts = excluded.attempts,
           started_at = excluded.started_at, finished_at = excluded.finished_at, error = excluded.error,
           reasons = excluded.reasons, metrics = excluded.metrics, outputs = excluded.outputs,
           log_tail = excluded.log_tail, cached_from = excluded.cached_from`,
        [
          step.runId,
          step.step,
          step.position,
          step.status,
          step.cacheKey,
          step.cacheable,
          step.attempts,
          step.startedAt,
          step.finishedAt,
          step.error,
          JSON.stringify(step.reasons),
          JSON.stringify(step.metrics),
          JSON.stringify(step.outputs),
          JSON.stringify(step.logTail),
          step.cachedFrom,
        ],
      ),
    );
  }

  async listSteps(runId: string): Promise<TrainingStep[]> {
    const { rows } = await this.guard(() =>
      this.pool.query<StepRow>('SELECT * FROM training_steps WHERE run_id = $1 ORDER BY position, step COLLATE "C"', [runId]),
    );
    return rows.map(toStep);
  }

  async findReusable(cacheKey: string): Promise<TrainingStep | undefined> {
    const { rows } = await this.guard(() =>
      this.pool.query<StepRow>(
        `SELECT * FROM training_steps WHERE cache_key = $1 AND cacheable AND status IN ('succeeded', 'cached')
         ORDER BY finished_at DESC NULLS LAST, run_id DESC LIMIT 1`,
        [cacheKey],
      ),
    );
    return rows[0] === undefined ? undefined : toStep(rows[0]);
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

function toRun(row: RunRow): TrainingRun {
  return {
    id: row.id,
    pipeline: row.pipeline,
    status: row.status,
    params: row.params,
    resumedFrom: row.resumed_from,
    pipelineFile: row.pipeline_file,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
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
    cacheable: row.cacheable,
    attempts: row.attempts,
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
    error: row.error,
    reasons: row.reasons,
    metrics: row.metrics,
    outputs: row.outputs,
    logTail: row.log_tail,
    cachedFrom: row.cached_from,
  };
}
