import { at } from './dataset.js';
import type { Matrix } from './math.js';

/** Share of rows whose predicted class is the true one. */
export function accuracy(truth: readonly number[], predicted: readonly number[]): number {
  if (truth.length !== predicted.length || truth.length === 0) {
    throw new Error(`accuracy needs two equal, non-empty label lists (${truth.length} vs ${predicted.length})`);
  }
  return truth.filter((label, i) => label === predicted[i]).length / truth.length;
}

/** Mean negative log-likelihood of the true classes; probabilities are clipped so a confident miss stays finite. */
export function logLoss(truth: readonly number[], probabilities: Matrix, epsilon = 1e-15): number {
  if (truth.length !== probabilities.length || truth.length === 0) {
    throw new Error(`logLoss needs as many probability rows as labels (${probabilities.length} vs ${truth.length})`);
  }
  const total = truth.reduce((sum, label, i) => {
    const p = at(probabilities, i)[label] ?? 0;
    return sum - Math.log(Math.min(1 - epsilon, Math.max(epsilon, p)));
  }, 0);
  return total / truth.length;
}
