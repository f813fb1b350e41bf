import { describe, expect, it } from 'vitest';
import { subset } from '../../src/training/dataset.js';
import { loadIris } from '../../src/training/datasets/iris.js';
import { exportClassifierToOnnx } from '../../src/training/export-onnx.js';
import { exportRegressorToOnnx } from '../../src/training/export-regressor.js';
import { trainGradientBoostingClassifier } from '../../src/training/gradient-boosting-classifier.js';
import { trainGradientBoostingRegressor } from '../../src/training/gradient-boosting-regressor.js';
import { trainLinearRegression } from '../../src/training/linear-regression.js';
import { accuracy, logLoss } from '../../src/training/metrics.js';
import { stratifiedSplit } from '../../src/training/split.js';
import type { DecisionTree } from '../../src/training/tree-model.js';
import { codeOf } from '../helpers/ml-errors.js';
import { friedman1, holdOut, meanSquaredError } from './helpers/synthetic.js';

const data = friedman1(4000, 10, 21);
const rows = holdOut(data.features);
const targets = holdOut(data.targets);

/** Training rows per leaf of one tree (leaves only), by routing the float32 rows. */
function leafCounts(tree: DecisionTree, features: readonly (readonly number[])[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const row of features) {
    const leaf = tree.leaf(Float32Array.from(row));
    counts.set(leaf, (counts.get(leaf) ?? 0) + 1);
  }
  return counts;
}

describe('trainGradientBoostingRegressor', () => {
  const model = trainGradientBoostingRegressor(rows.train, targets.train, { nEstimators: 200, maxDepth: 4, minSamplesLeaf: 10 });

  it('beats a constant and a linear model on a nonlinear target (held-out MSE), approaching the noise floor', () => {
    const mean = targets.train.reduce((s, y) => s + y, 0) / targets.train.length;
    const constant = meanSquaredError(targets.test, targets.test.map(() => mean));
    const linear = meanSquaredError(targets.test, trainLinearRegression(rows.train, targets.train).predict(rows.test));
    const boosted = meanSquaredError(targets.test, model.predict(rows.test));
    expect(boosted).toBeLessThan(linear * 0.5);
    expect(boosted).toBeLessThan(constant * 0.1);
    expect(boosted).toBeLessThan(2.5); // the noise variance is 1
  });

  it('improves with more rounds and keeps the options: depth limit and rows per leaf', () => {
    const few = trainGradientBoostingRegressor(rows.train, targets.train, { nEstimators: 10, maxDepth: 4, minSamplesLeaf: 10 });
    expect(meanSquaredError(targets.test, model.predict(rows.test))).toBeLessThan(meanSquaredError(targets.test, few.predict(rows.test)));
    expect(model.trees).toHaveLength(200);
    for (const tree of model.trees.slice(0, 20)) {
      expect(tree.depth()).toBeLessThanOrEqual(4);
      for (const count of leafCounts(tree, rows.train).values()) expect(count).toBeGreaterThanOrEqual(10);
    }
  });

  it('is deterministic for a seed, and the seed drives row and feature sampling', () => {
    const options = { nEstimators: 20, subsample: 0.7, featureSubsample: 0.5, seed: 4 };
    const a = trainGradientBoostingRegressor(rows.train, targets.train, options);
    const b = trainGradientBoostingRegressor(rows.train, targets.train, options);
    expect(Buffer.from(exportRegressorToOnnx(a)).equals(Buffer.from(exportRegressorToOnnx(b)))).toBe(true);
    const c = trainGradientBoostingRegressor(rows.train, targets.train, { ...options, seed: 5 });
    expect(c.predict(rows.test)).not.toEqual(a.predict(rows.test));
  });

  it('splits only on the sampled features of each tree', () => {
    const sampled = trainGradientBoostingRegressor(rows.train, targets.train, { nEstimators: 10, featureSubsample: 0.2 });
    for (const tree of sampled.trees) expect(new Set(Array.from(tree.feature).filter((f) => f >= 0)).size).toBeLessThanOrEqual(2);
  });

  it('makes a single-leaf tree predict the mean (maxDepth 0) and handles a constant target', () => {
    const stump = trainGradientBoostingRegressor(rows.train, targets.train, { nEstimators: 1, maxDepth: 0, learningRate: 1 });
    const mean = targets.train.reduce((s, y) => s + y, 0) / targets.train.length;
    expect(stump.predict([rows.test[0] ?? []])[0]).toBeCloseTo(mean, 4);
    const flat = trainGradientBoostingRegressor(rows.train, rows.train.map(() => 3), { nEstimators: 5 });
    expect(flat.predict(rows.test.slice(0, 5))).toEqual([3, 3, 3, 3, 3]);
    expect(flat.trees.every((t) => t.nodeCount === 1)).toBe(true);
  });

  it('handles tied and few-valued features (bins follow distinct values)', () => {
    const features = Array.from({ length: 400 }, (_, i) => [i % 4, i % 2]);
    const y = features.map(([a = 0, b = 0]) => 10 * a + 3 * b);
    const tree = trainGradientBoostingRegressor(features, y, { nEstimators: 300, learningRate: 0.5, minSamplesLeaf: 1, maxDepth: 3 });
    tree.predict(features).forEach((p, i) => expect(p).toBeCloseTo(y[i] ?? 0, 3));
  });

  it('refuses bad data and options with INVALID_TRAINING_DATA', () => {
    const x = [[1], [2], [3]];
    expect(codeOf(() => trainGradientBoostingRegressor([], []))).toBe('INVALID_TRAINING_DATA');
    expect(codeOf(() => trainGradientBoostingRegressor(x, [1, 2]))).toBe('INVALID_TRAINING_DATA');
    expect(codeOf(() => trainGradientBoostingRegressor([[1], [Number.NaN], [3]], [1, 2, 3]))).toBe('INVALID_TRAINING_DATA');
    for (const bad of [
      { nEstimators: 0 },
      { nEstimators: 1.5 },
      { learningRate: 0 },
      { maxDepth: -1 },
      { minSamplesLeaf: 0 },
      { subsample: 0 },
      { subsample: 1.2 },
      { featureSubsample: 0 },
      { maxBins: 1 },
      { maxBins: 300 },
      { l2: -1 },
    ]) {
      expect(codeOf(() => trainGradientBoostingRegressor(x, [1, 2, 3], bad)), JSON.stringify(bad)).toBe('INVALID_TRAINING_DATA');
    }
    const model = trainGradientBoostingRegressor(x, [1, 2, 3], { nEstimators: 1 });
    expect(codeOf(() => model.predict([[1, 2]]))).toBe('INVALID_SHAPE');
  });
});

describe('trainGradientBoostingClassifier', () => {
  const iris = loadIris();
  const split = stratifiedSplit(iris.labels, { testFraction: 0.3, seed: 7 });
  const train = subset(iris, split.train);
  const test = subset(iris, split.test);

  it('reaches at least 0.9 held-out accuracy on iris, with probabilities that sum to 1', () => {
    const model = trainGradientBoostingClassifier(train.features, train.labels, 3, { nEstimators: 100, maxDepth: 3, minSamplesLeaf: 3 });
    expect(accuracy(test.labels, model.predict(test.features))).toBeGreaterThanOrEqual(0.9);
    for (const p of model.predictProba(test.features)) expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
    expect(model.trees).toHaveLength(300); // one tree per class and round
  });

  it('lowers the training log-loss as rounds are added (binary)', () => {
    const labels = train.labels.map((l) => (l === 1 ? 1 : 0)); // versicolor vs the rest: not linearly separable
    const loss = (nEstimators: number): number =>
      logLoss(labels, trainGradientBoostingClassifier(train.features, labels, 2, { nEstimators, minSamplesLeaf: 3 }).predictProba(train.features));
    const losses = [1, 10, 50].map(loss);
    expect(losses[1]).toBeLessThan(losses[0] ?? 0);
    expect(losses[2]).toBeLessThan(losses[1] ?? 0);
    expect(losses[0]).toBeLessThan(Math.log(2)); // the first round already starts from the class prior
  });

  it('starts from the class priors, so a class absent from training stays unlikely but finite', () => {
    const labels = train.labels.map((l) => (l === 2 ? 1 : 0)); // only classes 0 and 1 of 3 occur
    const model = trainGradientBoostingClassifier(train.features, labels, 3, { nEstimators: 5 });
    for (const p of model.predictProba(test.features)) {
      expect(p[2]).toBeLessThan(1e-6);
      expect(p.every(Number.isFinite)).toBe(true);
    }
    expect(() => exportClassifierToOnnx(model)).not.toThrow();
  });

  it('refuses bad labels with INVALID_TRAINING_DATA', () => {
    expect(codeOf(() => trainGradientBoostingClassifier(train.features, train.labels, 1))).toBe('INVALID_TRAINING_DATA');
    expect(codeOf(() => trainGradientBoostingClassifier(train.features, train.labels, 2))).toBe('INVALID_TRAINING_DATA');
    expect(codeOf(() => trainGradientBoostingClassifier(train.features, train.labels.map((l) => l + 0.5), 3))).toBe('INVALID_TRAINING_DATA');
    expect(codeOf(() => trainGradientBoostingClassifier(train.features, train.labels.slice(1), 3))).toBe('INVALID_TRAINING_DATA');
  });
});
