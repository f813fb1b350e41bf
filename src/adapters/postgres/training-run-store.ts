import { MlError } from '../../errors/ml-error.js';
import type { ListRunsQuery, NewTrainingRun, TrainingRun, TrainingRunEnd, TrainingRunStore, TrainingStep } from '../../ports/training-run-store.js';
import {
  stepValues,
  toTrainingRun,
  toTrainingStep,
  upsertStepSql,
  type ColumnDecoder,
  type RunRow as RunRowOf,
  type StepRow as StepRowOf,
} from '../training-run-rows.js';
import { first } from './rows.js';
import { openPostgresStore, PostgresStoreBase, type PostgresStoreOptions } from './store-base.js';

export type PostgresTrainingRunStoreOptions = PostgresStoreOptions;

/** As node-postgres returns them: TIMESTAMPTZ as Date, JSONB parsed, BOOLEAN as boolean. */
interface Driver {
  readonly time: Date;
  readonly json: unknown;
  readonly flag: boolean;
}
type RunRow = RunRowOf<Driver>;
type StepRow = StepRowOf<Driver>;

const DECODE: ColumnDecoder<Driver> = {
  time: (value) => value.toISOString(),
  json: (value) => value,
  flag: (value) => value,
};

const UPSERT_STEP = upsertStepSql((position) => `$${position}`);

/** Connects and applies pending migrations (the metadata store's list: runs live beside the registry). */
export function openPostgresTrainingRunStore(options: PostgresTrainingRunStoreOptions): Promise<PostgresTrainingRunStore> {
  return openPostgresStore(PostgresTrainingRunStore, options);
}

/** TrainingRunStore on PostgreSQL. */
export class PostgresTrainingRunStore extends PostgresStoreBase implements TrainingRunStore {
  async createRun(run: NewTrainingRun): Promise<TrainingRun> {
    const { rows } = await this.guard(() =>
      this.pool.query<RunRow>(
        `INSERT INTO training_runs (id, pipeline, status, params, resumed_from, pipeline_file, started_at, owner)
         VALUES ($1, $2, 'running', $3, $4, $5, $6, $7) RETURNING *`,
        [run.id, run.pipeline, JSON.stringify(run.params), run.resumedFrom ?? null, run.pipelineFile ?? null, this.now(), run.owner],
      ),
    );
    return toTrainingRun(first(rows), DECODE);
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
    return toTrainingRun(first(rows), DECODE);
  }

  async getRun(id: string): Promise<TrainingRun | undefined> {
    const { rows } = await this.guard(() => this.pool.query<RunRow>('SELECT * FROM training_runs WHERE id = $1', [id]));
    return rows[0] === undefined ? undefined : toTrainingRun(rows[0], DECODE);
  }

  async listRuns(query: ListRunsQuery = {}): Promise<TrainingRun[]> {
    const limit = query.limit ?? 20;
    const { rows } = await this.guard(() =>
      query.pipeline === undefined
        ? this.pool.query<RunRow>('SELECT * FROM training_runs ORDER BY started_at DESC, id DESC LIMIT $1', [limit])
        : this.pool.query<RunRow>('SELECT * FROM training_runs WHERE pipeline = $1 ORDER BY started_at DESC, id DESC LIMIT $2', [query.pipeline, limit]),
    );
    return rows.map((row) => toTrainingRun(row, DECODE));
  }

  async saveStep(step: TrainingStep): Promise<void> {
    await this.guard(() => this.pool.query(UPSERT_STEP, stepValues(step, (cacheable) => cacheable)));
  }

  async listSteps(runId: string): Promise<TrainingStep[]> {
    const { rows } = await this.guard(() =>
      this.pool.query<StepRow>('SELECT * FROM training_steps WHERE run_id = $1 ORDER BY position, step COLLATE "C"', [runId]),
    );
    return rows.map((row) => toTrainingStep(row, DECODE));
  }

  async findReusable(cacheKey: string): Promise<TrainingStep | undefined> {
    const { rows } = await this.guard(() =>
      this.pool.query<StepRow>(
        `SELECT * FROM training_steps WHERE cache_key = $1 AND cacheable AND status IN ('succeeded', 'cached')
         ORDER BY finished_at DESC NULLS LAST, run_id DESC LIMIT 1`,
        [cacheKey],
      ),
    );
    return rows[0] === undefined ? undefined : toTrainingStep(rows[0], DECODE);
  }
}
