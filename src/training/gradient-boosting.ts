import type { Matrix } from './math.js';
import { SeededRandom } from './random.js';
import { binFeatures, type BinnedFeatures } from './tree-binning.js';
import { TreeGrower, type BinTree } from './tree-grower.js';
import { DecisionTree } from './tree-model.js';
import { checkOption } from './training-data.js';

export interface GradientBoostingParams {
  /** Boosting rounds (one tree per round, one per class and round for multiclass). @default 100 */
  readonly nEstimators?: number;
  /** Shrinkage applied to every tree's leaf values. @default 0.1 */
  readonly learningRate?: number;
  /** Depth limit of each tree (2^maxDepth leaves at most). @default 6 */
  readonly maxDepth?: number;
  /** Fewest training rows a leaf may hold. @default 20 */
  readonly minSamplesLeaf?: number;
  /** Share of rows each round trains on (Bernoulli sampling, seeded); 1 uses all rows. @default 1 */
  readonly subsample?: number;
  /** Share of features each tree may split on (drawn per tree, seeded); 1 uses all. @default 1 */
  readonly featureSubsample?: number;
  /** Histogram bins per feature (2..256). @default 255 */
  readonly maxBins?: number;
  /** L2 penalty on leaf values. @default 0 */
  readonly l2?: number;
  /** Seed of the row and feature sampling. @default 42 */
  readonly seed?: number;
}

export const GRADIENT_BOOSTING_DEFAULTS: Required<GradientBoostingParams> = {
  nEstimators: 100,
  learningRate: 0.1,
  maxDepth: 6,
  minSamplesLeaf: 20,
  subsample: 1,
  featureSubsample: 1,
  maxBins: 255,
  l2: 0,
  seed: 42,
};

/** Smallest hessian sum of a child: keeps log-loss Newton steps finite on nearly pure nodes. */
const MIN_CHILD_WEIGHT = 1e-3;

/**
 * A differentiable loss over K raw scores per row (K = 1: regression, binary log-loss; K = C:
 * softmax). gradients() fills grad[k][i], hess[k][i] at the current scores F[i * K + k].
 */
export interface BoostingLoss {
  readonly scoreCount: number;
  /** True when every hessian is 1 (squared error): the grower then counts rows instead of summing them. */
  readonly unitHessian: boolean;
  initialScores(): number[];
  gradients(scores: Float64Array, grad: Float64Array[], hess: Float64Array[]): void;
  /**
   * How a tree grown for score k is written: the output columns its leaves add to and the values,
   * from the tree's (float32) leaf value v. Binary log-loss writes (-v/2, +v/2) so that the softmax
   * of the two columns is the sigmoid of the score.
   */
  leafOutputs(k: number, v: number): { targets: number[]; values: number[] };
}

export function resolveBoostingParams(params: GradientBoostingParams): Required<GradientBoostingParams> {
  const p = { ...GRADIENT_BOOSTING_DEFAULTS, ...params };
  checkOption('nEstimators', p.nEstimators, 1, 100_000, true);
  checkOption('learningRate', p.learningRate, Number.MIN_VALUE, 10);
  checkOption('maxDepth', p.maxDepth, 0, 30, true);
  checkOption('minSamplesLeaf', p.minSamplesLeaf, 1, Number.MAX_SAFE_INTEGER, true);
  checkOption('subsample', p.subsample, Number.MIN_VALUE, 1);
  checkOption('featureSubsample', p.featureSubsample, Number.MIN_VALUE, 1);
  checkOption('maxBins', p.maxBins, 2, 256, true);
  checkOption('l2', p.l2, 0, Number.MAX_VALUE);
  checkOption('seed', p.seed, -(2 ** 53), 2 ** 53, true);
  return p;
}

/**
 * Gradient boosting with second-order (Newton) leaves on histogram-binned features. The initial
 * scores are folded into the first round's leaves, so the model is its trees alone (the ONNX file
 * needs no base values, whose two-class handling differs between runtimes).
 */
export function boost(features: Matrix, width: number, loss: BoostingLoss, params: Required<GradientBoostingParams>): DecisionTree[] {
  const data = binFeatures(features, width, params.maxBins);
  const n = data.rows;
  const k = loss.scoreCount;
  const grower = new TreeGrower(data, {
    maxDepth: params.maxDepth,
    minSamplesLeaf: params.minSamplesLeaf,
    l2: params.l2,
    minChildWeight: MIN_CHILD_WEIGHT,
    unitHessian: loss.unitHessian,
  });
  const random = new SeededRandom(params.seed);
  const initial = loss.initialScores();
  const scores = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) scores[i * k + c] = initial[c]!;
  const grad = Array.from({ length: k }, () => new Float64Array(n));
  const hess = Array.from({ length: k }, () => new Float64Array(n));
  const allRows = Int32Array.from({ length: n }, (_, i) => i);
  const trees: DecisionTree[] = [];

  for (let round = 0; round < params.nEstimators; round++) {
    const rows = params.subsample < 1 ? sampleRows(random, n, params.subsample) : allRows;
    const usable = params.featureSubsample < 1 ? sampleFeatures(random, width, params.featureSubsample) : allRows.subarray(0, width);
    loss.gradients(scores, grad, hess);
    for (let c = 0; c < k; c++) {
      const grown = grower.grow(grad[c]!, hess[c]!, rows, usable);
      const base = round === 0 ? initial[c]! : 0;
      const leafValues = Float32Array.from(grown.leafValue, (v) => base + params.learningRate * v);
      trees.push(toDecisionTree(grown, data, leafValues, (v) => loss.leafOutputs(c, v)));
      addLeafValues(grown, data, leafValues, scores, k, c, round === 0);
    }
  }
  return trees;
}

/** The grown tree with float32 thresholds (the bins' upper edges) and its written leaf outputs. */
function toDecisionTree(
  grown: BinTree,
  data: BinnedFeatures,
  leafValues: Float32Array,
  outputs: (v: number) => { targets: number[]; values: number[] },
): DecisionTree {
  const size = grown.feature.length;
  const targets = outputs(0).targets;
  const values = new Float32Array(size * targets.length);
  const threshold = new Float32Array(size);
  for (let node = 0; node < size; node++) {
    const f = grown.feature[node]!;
    if (f >= 0) threshold[node] = data.edges[f]![grown.splitBin[node]!]!;
    else values.set(outputs(leafValues[node]!).values, node * targets.length);
  }
  return new DecisionTree(grown.feature, threshold, grown.left, grown.right, targets, values);
}

/** Adds each row's leaf value to its score k (replacing the initial score in round 0, where it is folded in). */
function addLeafValues(
  grown: BinTree,
  data: BinnedFeatures,
  leafValues: Float32Array,
  scores: Float64Array,
  k: number,
  c: number,
  replace: boolean,
): void {
  const { codes, rows, width } = data;
  for (let i = 0; i < rows; i++) {
    let node = 0;
    for (let f = grown.feature[0]!; f >= 0; f = grown.feature[node]!) {
      node = codes[i * width + f]! <= grown.splitBin[node]! ? grown.left[node]! : grown.right[node]!;
    }
    const at = i * k + c;
    scores[at] = (replace ? 0 : scores[at]!) + leafValues[node]!;
  }
}

/** Each row kept with probability `share`, in ascending order (the grower's partitions stay sequential). */
function sampleRows(random: SeededRandom, n: number, share: number): Int32Array {
  const kept = new Int32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) if (random.next() < share) kept[count++] = i;
  return kept.subarray(0, count);
}

function sampleFeatures(random: SeededRandom, width: number, share: number): Int32Array {
  const count = Math.max(1, Math.round(share * width));
  const chosen = random.shuffle(Array.from({ length: width }, (_, f) => f)).slice(0, count);
  return Int32Array.from(chosen.sort((a, b) => a - b));
}
