import type { PredictionRecord } from '../ports/event-log.js';
import { predict } from '../serving/predict.js';
import type { LoadedModel } from '../serving/loaded-model.js';

/** Scores instances with an outlier model: one number per instance. */
export type OutlierScorer = (instances: readonly unknown[]) => Promise<number[]>;

export interface OutlierSummary {
  readonly scored: number;
  readonly outliers: number;
  /** outliers / scored; 0 when nothing was scored. */
  readonly rate: number;
  readonly threshold: number;
}

const CHUNK = 1000;

/**
 * A scorer over a loaded outlier model (e.g. the reference OneClassSVM
 * `iris_ocs.onnx`, whose score is below 0 for outliers): each instance's score
 * is the first number of its prediction.
 */
export function modelScorer(model: LoadedModel): OutlierScorer {
  return async (instances) => {
    const scores: number[] = [];
    for (let i = 0; i < instances.length; i += CHUNK) {
      const res = await predict(model, { instances: instances.slice(i, i + CHUNK) }, 'monitor');
      for (const p of res.predictions) scores.push(firstNumber(p));
    }
    return scores;
  };
}

function firstNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (Array.isArray(value)) return firstNumber(value[0]);
  if (value !== null && typeof value === 'object') return firstNumber(Object.values(value)[0]);
  return Number.NaN;
}

/** The instances of successful calls, as they were logged. */
export function loggedInstances(records: readonly PredictionRecord[]): unknown[] {
  return records.flatMap((r) => (r.status === 'ok' && Array.isArray(r.inputs) ? (r.inputs as unknown[]) : []));
}

export async function outlierSummary(scorer: OutlierScorer, instances: readonly unknown[], threshold: number): Promise<OutlierSummary> {
  const scores = instances.length === 0 ? [] : await scorer(instances);
  const scored = scores.filter((s) => Number.isFinite(s));
  const outliers = scored.filter((s) => s < threshold).length;
  return { scored: scored.length, outliers, rate: scored.length === 0 ? 0 : outliers / scored.length, threshold };
}
