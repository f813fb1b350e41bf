import type { Matrix } from './math.js';
import { SeededRandom } from './random.js';
import { binFeatures } from './tree-binning.js';
import { TreeGrower } from './tree-grower.js';
import { checkFeatures, checkOption, checkTargets } from './training-data.js';
import { DecisionTree } from './tree-model.js';
import { TreeSumRegressor } from './tree-sum-regressor.js';

export interface RandomForestParams {
  /** Trees in the forest. @default 100 */
  readonly nEstimators?: number;
  /** Depth limit of each tree. @default 10 */
  readonly maxDepth?: number;
  /** Fewest distinct training rows in a leaf. @default 5 */
  readonly minSamplesLeaf?: number;
  /** Share of the features each node may split on, drawn per node (Breiman's p/3 for regression). @default 1/3 */
  readonly maxFeatures?: number;
  /** Grow each tree on a bootstrap sample (rows drawn with replacement); false: on every row. @default true */
  readonly bootstrap?: boolean;
  /** Histogram bins per feature (2..256). @default 255 */
  readonly maxBins?: number;
  /** @default 42 */
  readonly seed?: number;
}

export const RANDOM_FOREST_DEFAULTS: Required<RandomForestParams> = {
  nEstimators: 100,
  maxDepth: 10,
  minSamplesLeaf: 5,
  maxFeatures: 1 / 3,
  bootstrap: true,
  maxBins: 255,
  seed: 42,
};

/**
 * The average of regression trees. Each leaf stores its mean divided by the tree count, so the forest
 * is a plain sum of leaf values: the TreeEnsembleRegressor SUM that onnxruntime evaluates in float32,
 * and that predict() mirrors.
 */
export class RandomForestRegressor extends TreeSumRegressor {}

/**
 * Breiman's random forest for regression on the histogram tree grower: bootstrap rows per tree, a
 * random subset of features per node, variance-reduction splits, leaves holding the (bootstrap-
 * weighted) mean target. A row drawn k times counts k times through its gradient and hessian
 * (−k·y and k), which makes the grower's Newton leaf −G/H the weighted mean. Deterministic for a seed.
 *
 * @throws MlError INVALID_TRAINING_DATA for empty, ragged or non-finite data, or an option out of range.
 */
export function trainRandomForestRegressor(features: Matrix, targets: readonly number[], params: RandomForestParams = {}): RandomForestRegressor {
  const p = { ...RANDOM_FOREST_DEFAULTS, ...params };
  checkOption('nEstimators', p.nEstimators, 1, 100_000, true);
  checkOption('maxDepth', p.maxDepth, 0, 30, true);
  checkOption('minSamplesLeaf', p.minSamplesLeaf, 1, Number.MAX_SAFE_INTEGER, true);
  checkOption('maxFeatures', p.maxFeatures, Number.MIN_VALUE, 1);
  checkOption('maxBins', p.maxBins, 2, 256, true);
  checkOption('seed', p.seed, -(2 ** 53), 2 ** 53, true);
  const width = checkFeatures(features);
  checkTargets(targets, features.length);

  const data = binFeatures(features, width, p.maxBins);
  const n = data.rows;
  const random = new SeededRandom(p.seed);
  const grower = new TreeGrower(data, {
    maxDepth: p.maxDepth,
    minSamplesLeaf: p.minSamplesLeaf,
    l2: 0,
    minChildWeight: 0,
    unitHessian: false,
    featuresPerSplit: { count: Math.max(1, Math.round(p.maxFeatures * width)), random: () => random.next() },
  });
  const allFeatures = Int32Array.from({ length: width }, (_, f) => f);
  const weights = new Float64Array(n);
  const grad = new Float64Array(n);
  const trees: DecisionTree[] = [];
  for (let t = 0; t < p.nEstimators; t++) {
    if (p.bootstrap) {
      weights.fill(0);
      for (let k = 0; k < n; k++) weights[Math.floor(random.next() * n)]! += 1;
    } else {
      weights.fill(1);
    }
    const rows = Int32Array.from(weights.keys()).filter((i) => weights[i]! > 0);
    for (let i = 0; i < n; i++) grad[i] = -weights[i]! * targets[i]!;
    const grown = grower.grow(grad, weights, rows, allFeatures);
    const threshold = Float32Array.from(grown.feature, (f, node) => (f >= 0 ? data.edges[f]![grown.splitBin[node]!]! : 0));
    const values = Float32Array.from(grown.feature, (f, node) => (f >= 0 ? 0 : grown.leafValue[node]! / p.nEstimators));
    trees.push(new DecisionTree(grown.feature, threshold, grown.left, grown.right, [0], values));
  }
  return new RandomForestRegressor(width, trees);
}
