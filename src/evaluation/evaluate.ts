import { classificationReport, regressionReport } from '../stats/metrics.js';
import type { JoinedRow } from './join.js';

export interface ClassificationScores {
  /** Joined instances with both a true and a predicted label. */
  readonly count: number;
  readonly accuracy: number;
  /** Macro averages (unweighted mean over classes), as scikit-learn's `average="macro"`. */
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export interface RegressionScores {
  /** Joined instances with both a true value and a numeric prediction. */
  readonly count: number;
  readonly mae: number;
  readonly rmse: number;
  /** A fraction (0.05 = 5%), over rows whose true value is not 0; null when none is. */
  readonly mape: number | null;
}

/** The evaluation of one model version over one time window. */
export interface Evaluation {
  readonly model: string;
  readonly version: string;
  /** ISO-8601 UTC; windows are aligned to the epoch (1d windows are UTC days). */
  readonly window_start: string;
  readonly window_end: string;
  /** Instances predicted in the window. */
  readonly predictions: number;
  readonly joined: number;
  readonly unjoined: number;
  readonly classification?: ClassificationScores;
  readonly regression?: RegressionScores;
  readonly reward?: { readonly count: number; readonly mean: number };
}

function classify(rows: readonly JoinedRow[]): ClassificationScores | undefined {
  const pairs = rows.filter((r) => r.truth?.label !== undefined && r.predictedLabel !== undefined);
  if (pairs.length === 0) return undefined;
  // Labels compare as text: feedback may send 1 where the model logged "1".
  const report = classificationReport(
    pairs.map((r) => String(r.truth?.label)),
    pairs.map((r) => String(r.predictedLabel)),
  );
  return { count: pairs.length, accuracy: report.accuracy, precision: report.macro.precision, recall: report.macro.recall, f1: report.macro.f1 };
}

function regress(rows: readonly JoinedRow[]): RegressionScores | undefined {
  const pairs = rows.filter((r) => r.truth?.value !== undefined && r.predictedValue !== undefined);
  if (pairs.length === 0) return undefined;
  const report = regressionReport(
    pairs.map((r) => r.truth?.value as number),
    pairs.map((r) => r.predictedValue as number),
  );
  return { count: pairs.length, mae: report.mae, rmse: report.rmse, mape: Number.isNaN(report.mape) ? null : report.mape };
}

function rewardOf(rows: readonly JoinedRow[]): Evaluation['reward'] {
  const rewards = rows.map((r) => r.truth?.reward).filter((x): x is number => x !== undefined);
  return rewards.length === 0 ? undefined : { count: rewards.length, mean: rewards.reduce((s, x) => s + x, 0) / rewards.length };
}

/** Groups joined rows by model, version and window, and scores each group; sorted by model, version, window. */
export function evaluate(rows: readonly JoinedRow[], windowMs: number): Evaluation[] {
  const groups = new Map<string, { model: string; version: string; start: number; rows: JoinedRow[] }>();
  for (const row of rows) {
    const start = Math.floor(row.at / windowMs) * windowMs;
    const id = JSON.stringify([row.model, row.version, start]);
    const group = groups.get(id) ?? { model: row.model, version: row.version, start, rows: [] };
    group.rows.push(row);
    groups.set(id, group);
  }
  return [...groups.values()]
    .sort((a, b) => a.model.localeCompare(b.model) || a.version.localeCompare(b.version, undefined, { numeric: true }) || a.start - b.start)
    .map((g) => {
      const joined = g.rows.filter((r) => r.truth !== undefined);
      const classification = classify(joined);
      const regression = regress(joined);
      const reward = rewardOf(joined);
      return {
        model: g.model,
        version: g.version,
        window_start: new Date(g.start).toISOString(),
        window_end: new Date(g.start + windowMs).toISOString(),
        predictions: g.rows.length,
        joined: joined.length,
        unjoined: g.rows.length - joined.length,
        ...(classification ? { classification } : {}),
        ...(regression ? { regression } : {}),
        ...(reward ? { reward } : {}),
      };
    });
}
