import type { DenseLayer } from '../onnx/writer/mlp.js';
import { at } from './dataset.js';
import { affine, zeros, type Matrix } from './math.js';
import type { SeededRandom } from './random.js';

export type HiddenActivation = 'tanh' | 'relu';

const ACTIVATIONS: Record<HiddenActivation, { f: (a: number) => number; slope: (a: number, h: number) => number }> = {
  tanh: { f: Math.tanh, slope: (_a, h) => 1 - h * h },
  relu: { f: (a) => Math.max(0, a), slope: (a) => (a > 0 ? 1 : 0) },
};

/**
 * A network with one hidden layer, outputs = act(x · W1 + b1) · W2 + b2 (linear outputs): the shared
 * body of the MLP classifier (softmax on top) and the MLP regressor (outputs as they are).
 */
export class OneHiddenLayerNetwork {
  constructor(
    readonly activation: HiddenActivation,
    /** [features][hidden] */
    readonly w1: number[][],
    readonly b1: number[],
    /** [hidden][outputs] */
    readonly w2: number[][],
    readonly b2: number[],
  ) {}

  get featureCount(): number {
    return this.w1.length;
  }

  /** Pre-activations and activations of the hidden layer (training needs both). */
  hiddenLayer(features: Matrix): { pre: number[][]; post: number[][] } {
    const pre = affine(features, this.w1, this.b1);
    const f = ACTIVATIONS[this.activation].f;
    return { pre, post: pre.map((row) => row.map(f)) };
  }

  /** The output layer's values (before any softmax). */
  outputs(features: Matrix): number[][] {
    return affine(this.hiddenLayer(features).post, this.w2, this.b2);
  }

  denseLayers(): DenseLayer[] {
    return [
      { weights: this.w1, bias: this.b1, activation: this.activation },
      { weights: this.w2, bias: this.b2 },
    ];
  }
}

/** Glorot-uniform weights and zero biases, drawn from `random` (layer 1 first, row by row). */
export function initialLayers(
  random: SeededRandom,
  inputs: number,
  hidden: number,
  outputs: number,
): { w1: number[][]; b1: number[]; w2: number[][]; b2: number[] } {
  const glorot = (fanIn: number, fanOut: number): number[][] => {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return Array.from({ length: fanIn }, () => Array.from({ length: fanOut }, () => random.uniform(-limit, limit)));
  };
  return {
    w1: glorot(inputs, hidden),
    b1: new Array<number>(hidden).fill(0),
    w2: glorot(hidden, outputs),
    b2: new Array<number>(outputs).fill(0),
  };
}

/** Settings both one-hidden-layer MLPs take; each model's params type states its own defaults. */
export interface MlpParams {
  /** Units in the hidden layer. */
  readonly hidden?: number;
  /** @default "tanh" */
  readonly activation?: HiddenActivation;
  readonly learningRate?: number;
  /** Full-batch gradient steps (each a pass over all rows). @default 2000 */
  readonly epochs?: number;
  /** L2 penalty on both weight matrices. @default 0.0001 */
  readonly l2?: number;
  /** Seed of the weight initialisation. @default 42 */
  readonly seed?: number;
}

export interface GradientDescentParams {
  readonly learningRate: number;
  readonly epochs: number;
  /** L2 penalty on both weight matrices (not the biases). */
  readonly l2: number;
}

/**
 * Full-batch gradient descent by back-propagation, in place. `outputDelta` maps the output layer's
 * values to dLoss/dOutputs (already divided by the row count): (softmax - onehot) / n for
 * cross-entropy, (outputs - targets) / n for half the mean squared error. Data are visited in order,
 * so the same inputs always give the same weights.
 */
export function fitNetwork(
  model: OneHiddenLayerNetwork,
  features: Matrix,
  params: GradientDescentParams,
  outputDelta: (outputs: number[][]) => number[][],
): void {
  const slope = ACTIVATIONS[model.activation].slope;
  for (let epoch = 0; epoch < params.epochs; epoch++) {
    const { pre, post } = model.hiddenLayer(features);
    const dOut = outputDelta(affine(post, model.w2, model.b2));
    // Back to the hidden pre-activations, through W2 and the activation's slope.
    const dHidden = dOut.map((d, i) =>
      model.b1.map((_, h) => {
        const w2h = at(model.w2, h);
        const back = d.reduce((s, dc, c) => s + dc * (w2h[c] ?? 0), 0);
        return back * slope(at(at(pre, i), h), at(at(post, i), h));
      }),
    );
    step(model.w2, model.b2, post, dOut, params.learningRate, params.l2);
    step(model.w1, model.b1, features, dHidden, params.learningRate, params.l2);
  }
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
