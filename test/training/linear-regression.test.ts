import { describe, expect, it } from 'vitest';
import { trainLinearRegression } from '../../src/training/linear-regression.js';
import { SeededRandom } from '../../src/training/random.js';
import { codeOf } from '../helpers/ml-errors.js';
import { meanSquaredError } from './helpers/synthetic.js';

/** Rows of float32-exact features (so "known coefficients" are known exactly for what the model sees). */
function linearData(rows: number, coefficients: readonly number[], intercept: number, noise: number, seed = 5) {
  const random = new SeededRandom(seed);
  const features = Array.from({ length: rows }, () => coefficients.map((_, j) => Math.fround(random.normal(j * 10, 1 + j))));
  const targets = features.map((x) => x.reduce((s, v, j) => s + v * (coefficients[j] ?? 0), intercept) + random.normal(0, noise));
  return { features, targets };
}

describe('trainLinearRegression', () => {
  it('recovers known coefficients and intercept from noiseless data (ordinary least squares)', () => {
    const truth = [2.5, -1.25, 0.5, 3];
    const { features, targets } = linearData(500, truth, 7, 0);
    const model = trainLinearRegression(features, targets);
    model.coefficients.forEach((w, j) => expect(w).toBeCloseTo(truth[j] ?? 0, 5));
    expect(model.rawIntercept).toBeCloseTo(7, 3);
    expect(meanSquaredError(targets, model.predict(features))).toBeLessThan(1e-6);
  });

  it('recovers coefficients within their standard error from noisy data', () => {
    const truth = [1.5, -0.75, 0.25];
    const { features, targets } = linearData(20_000, truth, -3, 0.5);
    const model = trainLinearRegression(features, targets);
    model.coefficients.forEach((w, j) => expect(Math.abs(w - (truth[j] ?? 0))).toBeLessThan(0.01));
  });

  it('shrinks the coefficients as l2 grows, and tends to the mean target (the intercept is not penalized)', () => {
    const { features, targets } = linearData(400, [2, -1, 0.5], 100, 1);
    const norms = [0, 1, 10, 1000].map((l2) => Math.hypot(...trainLinearRegression(features, targets, { l2 }).coefficients));
    for (let i = 1; i < norms.length; i++) expect(norms[i]).toBeLessThan(norms[i - 1] ?? 0);
    const heavy = trainLinearRegression(features, targets, { l2: 1e9 });
    const mean = targets.reduce((s, y) => s + y, 0) / targets.length;
    for (const p of heavy.predict(features.slice(0, 20))) expect(p).toBeCloseTo(mean, 2);
  });

  it('penalizes standardized coefficients: rescaling a feature does not change the ridge fit', () => {
    const { features, targets } = linearData(300, [2, -1, 0.5], 10, 1);
    const scaled = features.map(([a = 0, b = 0, c = 0]) => [a * 1024, b, c]); // a power of two: exact in float32
    const plain = trainLinearRegression(features, targets, { l2: 0.3 });
    const rescaled = trainLinearRegression(scaled, targets, { l2: 0.3 });
    const a = plain.predict(features);
    rescaled.predict(scaled).forEach((p, i) => expect(p).toBeCloseTo(a[i] ?? 0, 3));
  });

  it('fits data with linearly dependent columns (a full one-hot set) instead of failing', () => {
    const random = new SeededRandom(9);
    const days = Array.from({ length: 700 }, (_, i) => i % 7);
    const effect = [5, 3, 3, 4, 6, 12, 10];
    const features = days.map((d) => [...Array.from({ length: 7 }, (_, k) => (k === d ? 1 : 0)), random.normal(0, 1)]);
    const targets = features.map((x, i) => (effect[days[i] ?? 0] ?? 0) + 2 * (x[7] ?? 0));
    const model = trainLinearRegression(features, targets);
    expect(meanSquaredError(targets, model.predict(features))).toBeLessThan(1e-6);
    expect(model.coefficients[7]).toBeCloseTo(2, 5);
  });

  it('gives a constant feature coefficient 0', () => {
    const { features, targets } = linearData(100, [1, 2], 0, 0.1);
    const model = trainLinearRegression(
      features.map((x) => [...x, 42]),
      targets,
    );
    expect(model.coefficients[2]).toBe(0);
  });

  it('is deterministic', () => {
    const { features, targets } = linearData(200, [1, 2, 3], 4, 1);
    expect(trainLinearRegression(features, targets, { l2: 0.1 })).toEqual(trainLinearRegression(features, targets, { l2: 0.1 }));
  });

  it('refuses bad data and options with INVALID_TRAINING_DATA, and a wrong row width at predict with INVALID_SHAPE', () => {
    expect(codeOf(() => trainLinearRegression([], []))).toBe('INVALID_TRAINING_DATA');
    expect(codeOf(() => trainLinearRegression([[1], [2]], [1]))).toBe('INVALID_TRAINING_DATA');
    expect(codeOf(() => trainLinearRegression([[1], [Number.NaN]], [1, 2]))).toBe('INVALID_TRAINING_DATA');
    expect(codeOf(() => trainLinearRegression([[1, 2], [3]], [1, 2]))).toBe('INVALID_TRAINING_DATA');
    expect(codeOf(() => trainLinearRegression([[1], [2]], [1, Number.POSITIVE_INFINITY]))).toBe('INVALID_TRAINING_DATA');
    expect(codeOf(() => trainLinearRegression([[1], [1e39]], [1, 2]))).toBe('INVALID_TRAINING_DATA');
    expect(codeOf(() => trainLinearRegression([[1], [2]], [1, 2], { l2: -1 }))).toBe('INVALID_TRAINING_DATA');
    const model = trainLinearRegression(
      [
        [1, 0],
        [2, 1],
        [3, 5],
      ],
      [1, 2, 3],
    );
    expect(codeOf(() => model.predict([[1, 2, 3]]))).toBe('INVALID_SHAPE');
  });
});
