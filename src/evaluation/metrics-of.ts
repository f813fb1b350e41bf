import type { Evaluation } from './evaluate.js';

/**
 * The quality metrics of an evaluation window under the names alert rules,
 * retrain triggers and promotion gates read (`accuracy < 0.9`, `mae <= 3`).
 * A metric the window has no joined rows for is absent, not 0: a condition on
 * it has no verdict.
 */
export function evaluationMetrics(e: Evaluation): Record<string, number> {
  const metrics: Record<string, number> = {
    eval_predictions: e.predictions,
    eval_joined: e.joined,
    feedback_rate: e.predictions === 0 ? 0 : e.joined / e.predictions,
  };
  if (e.classification !== undefined) {
    metrics.accuracy = e.classification.accuracy;
    metrics.precision = e.classification.precision;
    metrics.recall = e.classification.recall;
    metrics.f1 = e.classification.f1;
  }
  if (e.regression !== undefined) {
    metrics.mae = e.regression.mae;
    metrics.rmse = e.regression.rmse;
    if (e.regression.mape !== null) metrics.mape = e.regression.mape;
  }
  if (e.reward !== undefined) metrics.reward = e.reward.mean;
  return metrics;
}

/** Every name evaluationMetrics can produce: what tells a rule that reads the stored evaluation from one that reads drift. */
export const EVALUATION_METRIC_NAMES: ReadonlySet<string> = new Set(['eval_predictions', 'eval_joined', 'feedback_rate', 'accuracy', 'precision', 'recall', 'f1', 'mae', 'rmse', 'mape', 'reward']);
