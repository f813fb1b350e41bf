import type { ProbabilisticClassifier } from './classifier.js';
import { at } from './dataset.js';
import { argmax, softmax, type Matrix } from './math.js';
import { fitNetwork, initialLayers, OneHiddenLayerNetwork, type MlpParams } from './mlp-network.js';
import { SeededRandom } from './random.js';

export type { HiddenActivation } from './mlp-network.js';

export interface MlpClassifierParams extends MlpParams {
  /** Units in the hidden layer. @default 8 */
  readonly hidden?: number;
  /** @default 0.3 */
  readonly learningRate?: number;
}

export const MLP_CLASSIFIER_DEFAULTS: Required<MlpClassifierParams> = {
  hidden: 8,
  activation: 'tanh',
  learningRate: 0.3,
  epochs: 2000,
  l2: 0.0001,
  seed: 42,
};

/** One hidden layer: p = softmax(act(x · W1 + b1) · W2 + b2). */
export class MlpClassifier extends OneHiddenLayerNetwork implements ProbabilisticClassifier {
  get classCount(): number {
    return this.b2.length;
  }

  predictProba(features: Matrix): number[][] {
    return this.outputs(features).map(softmax);
  }

  predict(features: Matrix): number[] {
    return this.predictProba(features).map(argmax);
  }
}

/**
 * Fits by full-batch gradient descent (back-propagation of the mean
 * cross-entropy). Glorot-uniform initialisation from a seeded generator, data
 * visited in order: the same inputs and params always give the same weights.
 */
export function trainMlpClassifier(
  features: Matrix,
  labels: readonly number[],
  classCount: number,
  params: MlpClassifierParams = {},
): MlpClassifier {
  const { hidden, activation, learningRate, epochs, l2, seed } = { ...MLP_CLASSIFIER_DEFAULTS, ...params };
  const rows = features.length;
  if (rows === 0 || rows !== labels.length) throw new Error(`need as many labels as rows (${labels.length} vs ${rows})`);
  const layers = initialLayers(new SeededRandom(seed), at(features, 0).length, hidden, classCount);
  const model = new MlpClassifier(activation, layers.w1, layers.b1, layers.w2, layers.b2);
  // dLoss/dLogits = (p - onehot) / rows
  fitNetwork(model, features, { learningRate, epochs, l2 }, (logits) =>
    logits.map(softmax).map((p, i) => p.map((pc, c) => (pc - (at(labels, i) === c ? 1 : 0)) / rows)),
  );
  return model;
}
