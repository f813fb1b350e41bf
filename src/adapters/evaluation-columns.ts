import type { Evaluation } from '../evaluation/evaluate.js';
import { MlError } from '../errors/ml-error.js';

/**
 * The numbers of a stored evaluation window as table columns, shared by the
 * SQLite and PostgreSQL evaluation stores. Plain columns rather than one JSON
 * value, so a dashboard can chart `accuracy` with SQL; a `*_count` column is
 * NULL when the window had no joined rows of that kind (its scores too).
 */
export const METRIC_COLUMNS = [
  'predictions',
  'joined',
  'unjoined',
  'classification_count',
  'accuracy',
  'precision_macro',
  'recall_macro',
  'f1_macro',
  'regression_count',
  'mae',
  'rmse',
  'mape',
  'reward_count',
  'reward_mean',
] as const;

export type MetricColumn = (typeof METRIC_COLUMNS)[number];
export type MetricValues = Record<MetricColumn, number | null>;

/** A window's place: the table key is (model, version, window_start, window_ms). */
export interface WindowKey {
  readonly model: string;
  readonly version: string;
  readonly start: Date;
  readonly end: Date;
  readonly ms: number;
}

/** The key of an evaluation's window; rejects one that is not a window. */
export function windowKey(e: Evaluation): WindowKey {
  const start = new Date(e.window_start);
  const end = new Date(e.window_end);
  const ms = end.getTime() - start.getTime();
  if (!(ms > 0) || e.model === '' || e.version === '') {
    throw new MlError('INVALID_REQUEST', { reason: `not an evaluation window: ${JSON.stringify({ model: e.model, version: e.version, window_start: e.window_start, window_end: e.window_end })}` });
  }
  return { model: e.model, version: e.version, start, end, ms };
}

export function metricValues(e: Evaluation): MetricValues {
  return {
    predictions: e.predictions,
    joined: e.joined,
    unjoined: e.unjoined,
    classification_count: e.classification?.count ?? null,
    accuracy: e.classification?.accuracy ?? null,
    precision_macro: e.classification?.precision ?? null,
    recall_macro: e.classification?.recall ?? null,
    f1_macro: e.classification?.f1 ?? null,
    regression_count: e.regression?.count ?? null,
    mae: e.regression?.mae ?? null,
    rmse: e.regression?.rmse ?? null,
    mape: e.regression?.mape ?? null,
    reward_count: e.reward?.count ?? null,
    reward_mean: e.reward?.mean ?? null,
  };
}

/** Values in METRIC_COLUMNS order, for INSERT parameters. */
export function metricParams(values: MetricValues): (number | null)[] {
  return METRIC_COLUMNS.map((column) => values[column]);
}

/** Whether a recomputation changed nothing (recomputing the same records gives bit-identical numbers). */
export function sameMetrics(a: MetricValues, b: MetricValues): boolean {
  return METRIC_COLUMNS.every((column) => a[column] === b[column]);
}

/** What saving a window's new numbers does to its stored row (the SaveResult counter it adds to). */
export type WindowChange = 'created' | 'kept' | 'unchanged' | 'revised';

/**
 * The one rule both stores apply: no row yet → created; the stored numbers
 * cover more predictions (a recomputation over a trimmed log) → kept;
 * identical → unchanged (only computed_at moves); otherwise → revised.
 */
export function windowChange(row: Readonly<Record<string, unknown>> | undefined, values: MetricValues): WindowChange {
  if (row === undefined) return 'created';
  const stored = metricsOfRow(row);
  if ((stored.predictions ?? 0) > (values.predictions ?? 0)) return 'kept';
  return sameMetrics(stored, values) ? 'unchanged' : 'revised';
}

/** Reads the metric columns of a row (PostgreSQL may hand numbers over as strings). */
export function metricsOfRow(row: Readonly<Record<string, unknown>>): MetricValues {
  const values = {} as MetricValues;
  for (const column of METRIC_COLUMNS) {
    const value = row[column];
    values[column] = value === null || value === undefined ? null : Number(value);
  }
  return values;
}

/** The Evaluation a stored row stands for (the shape `eval report --json` prints). */
export function evaluationOf(model: string, version: string, windowStart: string, windowEnd: string, v: MetricValues): Evaluation {
  return {
    model,
    version,
    window_start: windowStart,
    window_end: windowEnd,
    predictions: v.predictions ?? 0,
    joined: v.joined ?? 0,
    unjoined: v.unjoined ?? 0,
    ...(v.classification_count !== null
      ? { classification: { count: v.classification_count, accuracy: v.accuracy ?? 0, precision: v.precision_macro ?? 0, recall: v.recall_macro ?? 0, f1: v.f1_macro ?? 0 } }
      : {}),
    ...(v.regression_count !== null ? { regression: { count: v.regression_count, mae: v.mae ?? 0, rmse: v.rmse ?? 0, mape: v.mape } } : {}),
    ...(v.reward_count !== null ? { reward: { count: v.reward_count, mean: v.reward_mean ?? 0 } } : {}),
  };
}
