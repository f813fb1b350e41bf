import type { StepOutputRecord, TrainingRun, TrainingRunStatus, TrainingStep, TrainingStepStatus } from '../ports/training-run-store.js';

/**
 * Row mapping and step upsert both TrainingRunStore adapters share, so that they cannot drift
 * apart. The drivers differ only in how some column types come back: `DriverTypes` names
 * those types, and a `ColumnDecoder` turns them into the port's values.
 */

/** What a driver returns for the column types the two databases store differently. */
export interface DriverTypes {
  /** A timestamp column (TIMESTAMPTZ: Date; SQLite: ISO TEXT). */
  readonly time: unknown;
  /** A JSON column (JSONB: already parsed; SQLite: TEXT). */
  readonly json: unknown;
  /** A boolean column (BOOLEAN: boolean; SQLite: INTEGER 0/1). */
  readonly flag: unknown;
}

export interface ColumnDecoder<Driver extends DriverTypes> {
  /** The timestamp as an ISO-8601 string. */
  time(value: Driver['time']): string;
  json(value: Driver['json']): unknown;
  flag(value: Driver['flag']): boolean;
}

export interface RunRow<Driver extends DriverTypes> {
  id: string;
  pipeline: string;
  status: TrainingRunStatus;
  params: Driver['json'];
  resumed_from: string | null;
  pipeline_file: string | null;
  started_at: Driver['time'];
  finished_at: Driver['time'] | null;
  error: string | null;
  owner: string;
}

export interface StepRow<Driver extends DriverTypes> {
  run_id: string;
  step: string;
  position: number;
  status: TrainingStepStatus;
  cache_key: string | null;
  cacheable: Driver['flag'];
  attempts: number;
  started_at: Driver['time'] | null;
  finished_at: Driver['time'] | null;
  error: string | null;
  reasons: Driver['json'];
  metrics: Driver['json'];
  outputs: Driver['json'];
  log_tail: Driver['json'];
  cached_from: string | null;
}

export function toTrainingRun<Driver extends DriverTypes>(row: RunRow<Driver>, decode: ColumnDecoder<Driver>): TrainingRun {
  return {
    id: row.id,
    pipeline: row.pipeline,
    status: row.status,
    params: decode.json(row.params) as Record<string, unknown>,
    resumedFrom: row.resumed_from,
    pipelineFile: row.pipeline_file,
    startedAt: decode.time(row.started_at),
    finishedAt: row.finished_at === null ? null : decode.time(row.finished_at),
    error: row.error,
    owner: row.owner,
  };
}

export function toTrainingStep<Driver extends DriverTypes>(row: StepRow<Driver>, decode: ColumnDecoder<Driver>): TrainingStep {
  return {
    runId: row.run_id,
    step: row.step,
    position: row.position,
    status: row.status,
    cacheKey: row.cache_key,
    cacheable: decode.flag(row.cacheable),
    attempts: row.attempts,
    startedAt: row.started_at === null ? null : decode.time(row.started_at),
    finishedAt: row.finished_at === null ? null : decode.time(row.finished_at),
    error: row.error,
    reasons: decode.json(row.reasons) as string[],
    metrics: decode.json(row.metrics) as Record<string, number>,
    outputs: decode.json(row.outputs) as Record<string, StepOutputRecord>,
    logTail: decode.json(row.log_tail) as string[],
    cachedFrom: row.cached_from,
  };
}

/** The training_steps columns, in the order of `stepValues`. */
const STEP_COLUMNS = [
  'run_id', 'step', 'position', 'status', 'cache_key', 'cacheable', 'attempts', 'started_at',
  'finished_at', 'error', 'reasons', 'metrics', 'outputs', 'log_tail', 'cached_from',
] as const;

/** The primary key: what an upsert of a step record matches on. */
const STEP_KEY: readonly string[] = ['run_id', 'step'];

/**
 * `INSERT INTO training_steps (…) VALUES (…) ON CONFLICT (run_id, step) DO UPDATE SET <every other column>`,
 * written with the driver's placeholders (`$1`… or `?`): saving a step record creates or replaces it.
 */
export function upsertStepSql(placeholder: (position: number) => string): string {
  const values = STEP_COLUMNS.map((_, i) => placeholder(i + 1)).join(', ');
  const updates = STEP_COLUMNS.filter((column) => !STEP_KEY.includes(column))
    .map((column) => `${column} = excluded.${column}`)
    .join(', ');
  return `INSERT INTO training_steps (${STEP_COLUMNS.join(', ')}) VALUES (${values})
    ON CONFLICT (${STEP_KEY.join(', ')}) DO UPDATE SET ${updates}`;
}

/** The values for `upsertStepSql`, JSON columns as text; `flag` encodes `cacheable` as the driver stores booleans. */
export function stepValues(step: TrainingStep, flag: (value: boolean) => unknown): unknown[] {
  return [
    step.runId,
    step.step,
    step.position,
    step.status,
    step.cacheKey,
    flag(step.cacheable),
    step.attempts,
    step.startedAt,
    step.finishedAt,
    step.error,
    JSON.stringify(step.reasons),
    JSON.stringify(step.metrics),
    JSON.stringify(step.outputs),
    JSON.stringify(step.logTail),
    step.cachedFrom,
  ];
}
