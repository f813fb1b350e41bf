import { describe, expect, it } from 'vitest';
import { MlError } from '../../src/errors/ml-error.js';
import { exportRegressorToOnnx } from '../../src/training/export-regressor.js';
import { trainLinearRegression } from '../../src/training/linear-regression.js';
import { trainMlpRegressor } from '../../src/training/mlp-regressor.js';
import { friedman1, holdOut, meanSquaredError } from './helpers/synthetic.js';

// Large, offset targets and unscaled features: the trainer must standardize both to converge.
const data = friedman1(400, 5, 31, 0.5, 1000);
const rows = holdOut(data.features.map((x) => x.map((v, j) => v * 10 ** j)));
const targets = holdOut(data.targets);

describe('trainMlpRegressor', () => {
  const model = trainMlpRegressor(rows.train, targets.train, { epochs: 800, hidden: 8 });

  it('fits a nonlinear target better than linear regression (held-out MSE)', () => {
    const linear = meanSquaredError(targets.test, trainLinearRegression(rows.train, targets.train).predict(rows.test));
    const mlp = meanSquaredError(targets.test, model.predict(rows.test));
    expect(mlp).toBeLessThan(linear * 0.5);
  });

  it('is deterministic for a seed, and the seed changes the initialisation', () => {
    const options = { epochs: 50, hidden: 4, seed: 9 };
    const a = trainMlpRegressor(rows.train, targets.train, options);
    const b = trainMlpRegressor(rows.train, targets.train, options);
    expect(Buffer.from(exportRegressorToOnnx(a)).equals(Buffer.from(exportRegressorToOnnx(b)))).toBe(true);
    expect(trainMlpRegressor(rows.train, targets.train, { ...options, seed: 10 }).network.w1).not.toEqual(a.network.w1);
  });

  it('refuses bad data and options with INVALID_TRAINING_DATA', () => {
    const codeOf = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (err) {
        return err instanceof MlError ? err.code : String(err);
      }
      return undefined;
    };
    expect(codeOf(() => trainMlpRegressor([[1], [2]], [1]))).toBe('INVALID_TRAINING_DATA');
    expect(codeOf(() => trainMlpRegressor([[1], [2]], [1, 2], { hidden: 0 }))).toBe('INVALID_TRAINING_DATA');
    expect(codeOf(() => trainMlpRegressor([[1], [2]], [1, 2], { epochs: 0 }))).toBe('INVALID_TRAINING_DATA');
    expect(codeOf(() => trainMlpRegressor([[1], [2]], [1, 2], { activation: 'gelu' as 'tanh' }))).toBe('INVALID_TRAINING_DATA');
  });
});
