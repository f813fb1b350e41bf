import { describe, expect, it } from 'vitest';
import { MlError } from '../../src/errors/ml-error.js';
import { exportRegressorToOnnx } from '../../src/training/export-regressor.js';
import { trainLinearRegression } from '../../src/training/linear-regression.js';
import { trainRandomForestRegressor } from '../../src/training/random-forest.js';
import { friedman1, holdOut, meanSquaredError } from './helpers/synthetic.js';

const data = friedman1(2500, 8, 41);
const rows = holdOut(data.features);
const targets = holdOut(data.targets);

describe('trainRandomForestRegressor', () => {
  const forest = trainRandomForestRegressor(rows.train, targets.train, { nEstimators: 60 });

  it('beats linear regression on a nonlinear target, and more trees beat one (held-out MSE)', () => {
    const linear = meanSquaredError(targets.test, trainLinearRegression(rows.train, targets.train).predict(rows.test));
    const one = trainRandomForestRegressor(rows.train, targets.train, { nEstimators: 1 });
    const mse = meanSquaredError(targets.test, forest.predict(rows.test));
    expect(mse).toBeLessThan(linear * 0.75);
    expect(mse).toBeLessThan(meanSquaredError(targets.test, one.predict(rows.test)) * 0.8);
  });

  it('without bootstrap or feature sampling, a single tree predicts its leaves\u2019 training means', () => {
    const features = Array.from({ length: 60 }, (_, i) => [i % 3]);
    const y = features.map(([a = 0], i) => a * 10 + (i % 2));
    const tree = trainRandomForestRegressor(features, y, { nEstimators: 1, bootstrap: false, maxFeatures: 1, minSamplesLeaf: 1 });
    expect(tree.predict([[0], [1], [2]])).toEqual([0.5, 10.5, 20.5]);
  });

  it('keeps the depth limit, and is deterministic for a seed', () => {
    for (const tree of forest.trees) expect(tree.depth()).toBeLessThanOrEqual(10);
    const options = { nEstimators: 5, seed: 3 };
    const a = exportRegressorToOnnx(trainRandomForestRegressor(rows.train, targets.train, options));
    const b = exportRegressorToOnnx(trainRandomForestRegressor(rows.train, targets.train, options));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const c = exportRegressorToOnnx(trainRandomForestRegressor(rows.train, targets.train, { ...options, seed: 4 }));
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
  });

  it('refuses bad options with INVALID_TRAINING_DATA', () => {
    for (const bad of [{ nEstimators: 0 }, { maxFeatures: 0 }, { maxFeatures: 2 }, { minSamplesLeaf: 0 }, { maxBins: 1 }]) {
      let code: string | undefined;
      try {
        trainRandomForestRegressor([[1], [2]], [1, 2], bad);
      } catch (err) {
        code = err instanceof MlError ? err.code : String(err);
      }
      expect(code, JSON.stringify(bad)).toBe('INVALID_TRAINING_DATA');
    }
  });
});
