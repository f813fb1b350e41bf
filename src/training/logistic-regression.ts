import type { DenseLayer } from '../onnx/writer/mlp.js';
import type { ProbabilisticClassifier } from './classifier.js';
import { at } from './dataset.js';
import { affine, argmax, softmax, zeros, type Matrix } from './math.js';
import { SeededRandom } from './random.js';

export interface LogisticRegressionParams {
  /** Gradient-descent step. @default 0.5 */
  readonly learningRate?: number;
  /** Full passes over the data (one step each: batch gradient descent). @default 1000 */
  readonly epochs?: number;
  /** L2 penalty on the weights (not the biases). @default 0.001 */
  readonly l2?: number;
  /** Seed of the weight initialisation. @default 42 */
  readonly seed?: number;
}

export const LOGISTIC_REGRESSION_DEFAULTS: Required<LogisticRegressionParams> = {
  learningRate: 0.5,
  epochs: 1000,
  l2: 0.001,
  seed: 42,
};

/** Multinomial (softmax) logistic regression: p = softmax(x · W + b). */
export class LogisticRegression implements ProbabilisticClassifier {
  constructor(
    /** [features][classes] */
    readonly weights: number[][],
    readonly bias: number[],
  ) {}

  get classCount(): number {
    return this.bias.length;
  }

  get featureCount(): number {
    return this.weights.length;
  }

  predictProba(features: Matrix): number[][] {
    return affine(features, this.weights, this.bias).map(softmax);
  }

  predict(features: Matrix): number[] {
    return this.predictProba(features).map(argmax);
  }

  denseLayers(): DenseLayer[] {
    return [{ weights: this.weights, bias: this.bias }];
  }
}

/**
 * Fits by full-batch gradient descent on the mean cross-entropy plus
 * (l2 / 2)·|W|². Deterministic: the only randomness is the seeded initialisation,
 * and the data are visited in order.
 */
export function trainLogisticRegression(
  features: Matrix,
  labels: readonly number[],
  classCount: number,
  params: LogisticRegressionParams = {},
): LogisticRegression {
  const { learningRate, epochs, l2, seed } = { ...LOGISTIC_REGRESSION_DEFAULTS, ...params };
  const rows = features.length;
  if (rows === 0 || rows !== labels.length) throw new Error(`need as many labels as rows (${labels.length} vs ${rows})`);
  const width = at(features, 0).length;
  const random = new SeededRandom(seed);
  // Small random weights rather than zeros: zeros also work for a convex loss, but
  // the seed then documents (and fixes) the one arbitrary choice of the fit.
  const model = new LogisticRegression(
    Array.from({ length: width }, () => Array.from({ length: classCount }, () => random.normal(0, 0.01))),
    new Array<number>(classCount).fill(0),
  );

  for (let epoch = 0; epoch < epochs; epoch++) {
    const probabilities = model.predictProba(features);
    const gradW = zeros(width, classCount);
    const gradB = new Array<number>(classCount).fill(0);
    probabilities.forEach((p, i) => {
      const row = at(features, i);
      const label = at(labels, i);
      p.forEach((pc, c) => {
        const error = pc - (label === c ? 1 : 0);
        gradB[c] = (gradB[c] ?? 0) + error;
        row.forEach((x, j) => {
          const g = at(gradW, j);
          g[c] = (g[c] ?? 0) + x * error;
        });
      });
    });
    model.weights.forEach((w, j) => {
      w.forEach((wc, c) => (w[c] = wc - learningRate * ((at(gradW, j)[c] ?? 0) / rows + l2 * wc)));
    });
    model.bias.forEach((b, c) => (model.bias[c] = b - (learningRate * (gradB[c] ?? 0)) / rows));
  }
  return model;
}
