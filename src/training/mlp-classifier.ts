import type { DenseLayer } from '../onnx/writer/mlp.js';
import type { ProbabilisticClassifier } from './classifier.js';
import { at } from './dataset.js';
import { affine, argmax, softmax, zeros, type Matrix } from './math.js';
import { SeededRandom } from './random.js';

export type HiddenActivation = 'tanh' | 'relu';

export interface MlpClassifierParams {
  /** Units in the hidden layer. @default 8 */
  readonly hidden?: number;
  /** @default "tanh" */
  readonly activation?: HiddenActivation;
  /** @default 0.3 */
  readonly learningRate?: number;
  /** Full-batch gradient steps. @default 2000 */
  readonly epochs?: number;
  /** L2 penalty on both weight matrices. @default 0.0001 */
  readonly l2?: number;
  /** Seed of the weight initialisation. @default 42 */
  readonly seed?: number;
}

export const MLP_CLASSIFIER_DEFAULTS: Required<MlpClassifierParams> = {
  hidden: 8,
  activation: 'tanh',
  learningRate: 0.3,
  epochs: 2000,
  l2: 0.0001,
  seed: 42,
};

const ACTIVATIONS: Record<HiddenActivation, { f: (a: number) => number; slope: (a: number, h: number) => number }> = {
  tanh: { f: Math.tanh, slope: (_a, h) => 1 - h * h },
  relu: { f: (a) => Math.max(0, a), slope: (a) => (a > 0 ? 1 : 0) },
};

/** One hidden layer: p = softmax(act(x · W1 + b1) · W2 + b2). */
export class MlpClassifier implements ProbabilisticClassifier {
  constructor(
    readonly activation: HiddenActivation,
    /** [features][hidden] */
    readonly w1: number[][],
    readonly b1: number[],
    /** [hidden][classes] */
    readonly w2: number[][],
    readonly b2: number[],
  ) {}

  get classCount(): number {
    return this.b2.length;
  }

  get featureCount(): number {
    return this.w1.length;
  }

  /** Pre-activations and activations of the hidden layer (training needs both). */
  hiddenLayer(features: Matrix): { pre: number[][]; post: number[][] } {
    const pre = affine(features, this.w1, this.b1);
    const f = ACTIVATIONS[this.activation].f;
    return { pre, post: pre.map((row) => row.map(f)) };
  }

  predictProba(features: Matrix): number[][] {
    return affine(this.hiddenLayer(features).post, this.w2, this.b2).map(softmax);
  }

  predict(features: Matrix): number[] {
    return this.predictProba(features).map(argmax);
  }

  denseLayers(): DenseLayer[] {
    return [
      { weights: this.w1, bias: this.b1, activation: this.activation },
      { weights: this.w2, bias: this.b2 },
    ];
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
  const width = at(features, 0).length;
  const random = new SeededRandom(seed);
  const glorot = (fanIn: number, fanOut: number): number[][] => {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return Array.from({ length: fanIn }, () => Array.from({ length: fanOut }, () => random.uniform(-limit, limit)));
  };
  const model = new MlpClassifier(
    activation,
    glorot(width, hidden),
    new Array<number>(hidden).fill(0),
    glorot(hidden, classCount),
    new Array<number>(classCount).fill(0),
  );
  const slope = ACTIVATIONS[activation].slope;

  for (let epoch = 0; epoch < epochs; epoch++) {
    const { pre, post } = model.hiddenLayer(features);
    const probabilities = affine(post, model.w2, model.b2).map(softmax);
    // dLoss/dLogits = (p - onehot) / rows
    const dOut = probabilities.map((p, i) => p.map((pc, c) => (pc - (at(labels, i) === c ? 1 : 0)) / rows));
    // Back to the hidden pre-activations, through W2 and the activation's slope.
    const dHidden = dOut.map((d, i) =>
      model.b1.map((_, h) => {
        const w2h = at(model.w2, h);
        const back = d.reduce((s, dc, c) => s + dc * (w2h[c] ?? 0), 0);
        return back * slope(at(at(pre, i), h), at(at(post, i), h));
      }),
    );
    step(model.w2, model.b2, post, dOut, learningRate, l2);
    step(model.w1, model.b1, features, dHidden, learningRate, l2);
  }
  return model;
}

/** One gradient step on a dense layer: W -= lr·(inputsᵀ·delta + l2·W), b -= lr·Σ delta. */
function step(weights: number[][], bias: number[], inputs: Matrix, delta: Matrix, learningRate: number, l2: number): void {
  const gradW = zeros(weights.length, bias.length);
  const gradB = new Array<number>(bias.length).fill(0);
  delta.forEach((d, i) => {
    const x = at(inputs, i);
    d.forEach((dc, c) => {
      gradB[c] = (gradB[c] ?? 0) + dc;
      x.forEach((xj, j) => {
        const g = at(gradW, j);
        g[c] = (g[c] ?? 0) + xj * dc;
      });
    });
  });
  weights.forEach((w, j) => w.forEach((wc, c) => (w[c] = wc - learningRate * ((at(gradW, j)[c] ?? 0) + l2 * wc))));
  bias.forEach((b, c) => (bias[c] = b - learningRate * (gradB[c] ?? 0)));
}
