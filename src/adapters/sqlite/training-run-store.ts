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
import { openSqliteStore, SqliteStoreBase, type SqliteStoreOptions } from './store-base.js';

/** `path`: the metadata database file (training runs live beside the registry), or `:memory:`. */
export type SqliteTrainingRunStoreOptions = SqliteStoreOptions;

/** As better-sqlite3 returns them: timestamps as ISO TEXT, JSON as TEXT, booleans as 0/1. */
interface Driver {
  readonly time: string;
  readonly json: string;
  readonly flag: number;
}
type RunRow = RunRowOf<Driver>;
type StepRow = StepRowOf<Driver>;

const DECODE: ColumnDecoder<Driver> = {
  time: (value) => value,
  json: (value) => JSON.parse(value) as unknown,
  flag: (value) => value === 1,
};

const UPSERT_STEP = upsertStepSql(() => '?');

/** Opens (creating and migrating) the metadata database for training runs. */
export function openSqliteTrainingRunStore(options: SqliteTrainingRunStoreOptions): SqliteTrainingRunStore {
  return openSqliteStore(SqliteTrainingRunStore, options);
}

/** TrainingRunStore on better-sqlite3 (JSON columns as TEXT). */
export class SqliteTrainingRunStore extends SqliteStoreBase implements TrainingRunStore {
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
    return toTrainingRun(row, DECODE);
  }

  async finishRun(id: string, end: TrainingRunEnd): Promise<TrainingRun> {
    const row = this.guard(() =>
      this.q
        .sql<RunRow>('UPDATE training_runs SET status = ?, finished_at = ?, error = ? WHERE id = ? RETURNING *')
        .get(end.status, this.now().toISOString(), end.error ?? null, id),
    );
    if (row === undefined) throw new MlError('TRAINING_RUN_NOT_FOUND', { id });
    return toTrainingRun(row, DECODE);
  }

  async getRun(id: string): Promise<TrainingRun | undefined> {
    const row = this.guard(() => this.q.sql<RunRow>('SELECT * FROM training_runs WHERE id = ?').get(id));
    return row === undefined ? undefined : toTrainingRun(row, DECODE);
  }

  async listRuns(query: ListRunsQuery = {}): Promise<TrainingRun[]> {
    const limit = query.limit ?? 20;
    const rows = this.guard(() =>
      query.pipeline === undefined
        ? this.q.sql<RunRow>('SELECT * FROM training_runs ORDER BY started_at DESC, id DESC LIMIT ?').all(limit)
        : this.q.sql<RunRow>('SELECT * FROM training_runs WHERE pipeline = ? ORDER BY started_at DESC, id DESC LIMIT ?').all(query.pipeline, limit),
    );
    return rows.map((row) => toTrainingRun(row, DECODE));
  }

  async saveStep(step: TrainingStep): Promise<void> {
    this.guard(() => this.q.sql(UPSERT_STEP).run(...stepValues(step, (cacheable) => (cacheable ? 1 : 0))));
  }

  async listSteps(runId: string): Promise<TrainingStep[]> {
    const rows = this.guard(() => this.q.sql<StepRow>('SELECT * FROM training_steps WHERE run_id = ? ORDER BY position, step').all(runId));
    return rows.map((row) => toTrainingStep(row, DECODE));
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
    return row === undefined ? undefined : toTrainingStep(row, DECODE);
  }
}
