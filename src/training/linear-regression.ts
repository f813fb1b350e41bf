import { MlError } from '../errors/ml-error.js';
import type { GraphBuilder } from '../onnx/writer/graph-builder.js';
import { linearRegressor } from '../onnx/writer/linear.js';
import type { OnnxRegressor } from './export-regressor.js';
import type { Matrix } from './math.js';
import { checkFeatures, checkOption, checkTargets, float32Matrix } from './training-data.js';

export interface LinearRegressionParams {
  /**
   * Ridge penalty on the coefficients of the standardized features (so its effect does not depend on
   * the features' units); the intercept is never penalized. 0 is ordinary least squares. @default 0
   */
  readonly l2?: number;
}

export const LINEAR_REGRESSION_DEFAULTS: Required<LinearRegressionParams> = { l2: 0 };

/**
 * Relative ridge added on the standardized diagonal when the features are linearly dependent (a full
 * one-hot set, a duplicated column) and l2 is 0: the fit then tends to the minimum-norm least-squares
 * solution instead of failing. Small enough not to move a well-posed fit measurably.
 */
const SINGULAR_JITTER = 1e-9;

/**
 * y = intercept + Σ coefficients[j] · (x[j] - center[j]).
 *
 * The centre (the training means) is part of the model and of the exported graph (Sub before the
 * LinearRegressor): in float32, x·w + b with a large b and large x·w cancels and loses digits that
 * (x - mean)·w + mean(y) keeps. Every parameter is held as the float32 value the file stores.
 */
export class LinearRegression implements OnnxRegressor {
  constructor(
    /** Per feature, on the raw feature scale. */
    readonly coefficients: readonly number[],
    /** The prediction at x = center. */
    readonly intercept: number,
    /** Per feature: subtracted from x before the dot product. */
    readonly center: readonly number[],
  ) {
    if (coefficients.length !== center.length) throw new Error(`${coefficients.length} coefficients for ${center.length} centres`);
  }

  get featureCount(): number {
    return this.coefficients.length;
  }

  /** The intercept of the uncentred form y = b + Σ w·x (for reading the model; not what is served). */
  get rawIntercept(): number {
    return this.coefficients.reduce((b, w, j) => b - w * (this.center[j] ?? 0), this.intercept);
  }

  predict(features: Matrix): number[] {
    const width = this.featureCount;
    const rows = float32Matrix(features, width);
    const centered = new Float32Array(width);
    return features.map((_, i) => {
      // Float32Array stores round x - centre to float32, as the graph's Sub does.
      for (let j = 0; j < width; j++) centered[j] = rows[i * width + j]! - this.center[j]!;
      let y = this.intercept;
      for (let j = 0; j < width; j++) y += this.coefficients[j]! * centered[j]!;
      return y;
    });
  }

  writeOnnx(g: GraphBuilder, input: string, outputName: string): string {
    const centered = g.sub(input, g.constant({ values: this.center, dims: [this.featureCount] }));
    return linearRegressor(g, centered, { coefficients: [this.coefficients], intercepts: [this.intercept] }, { name: outputName });
  }
}

/**
 * Closed-form (ridge) least squares: centres the data, standardizes the features, solves the p×p
 * normal equations (C + l2·I)·β = c by Cholesky, then maps β back to the raw feature scale.
 * Deterministic, O(rows·features²) time, O(features²) memory beyond the input.
 *
 * @throws MlError INVALID_TRAINING_DATA for empty, ragged or non-finite data, or a negative l2.
 */
export function trainLinearRegression(
  features: Matrix,
  targets: readonly number[],
  params: LinearRegressionParams = {},
): LinearRegression {
  const { l2 } = { ...LINEAR_REGRESSION_DEFAULTS, ...params };
  const width = checkFeatures(features);
  const rows = features.length;
  checkTargets(targets, rows);
  checkOption('l2', l2, 0, Number.MAX_VALUE);

  const center = Array.from(Float32Array.from(columnMeans(features, width)));
  // The fit sees the inputs exactly as the served graph computes them: float32 x - float32 centre.
  const centered = features.map((row) => Float32Array.from(row, (v, j) => Math.fround(v) - (center[j] ?? 0)));
  const { mean, covariance, crossCovariance, targetMean } = moments(centered, targets, width);

  // Standardize: constant features (zero variance) get coefficient 0 and stay out of the system.
  const scale = Array.from({ length: width }, (_, j) => Math.sqrt(covariance[j * width + j] ?? 0));
  const active = scale.flatMap((s, j) => (s > 0 ? [j] : []));
  const system = (ridge: number): Float64Array => {
    const a = new Float64Array(active.length * active.length);
    active.forEach((j, r) =>
      active.forEach((k, c) => {
        const value = (covariance[j * width + k] ?? 0) / ((scale[j] ?? 1) * (scale[k] ?? 1));
        a[r * active.length + c] = value + (r === c ? ridge : 0);
      }),
    );
    return a;
  };
  const rhs = Float64Array.from(active, (j) => (crossCovariance[j] ?? 0) / (scale[j] ?? 1));
  const beta = choleskySolve(system(l2), rhs) ?? choleskySolve(system(l2 + SINGULAR_JITTER), rhs);
  if (beta === undefined) {
    throw new MlError('INVALID_TRAINING_DATA', { reason: 'the normal equations are singular even with a ridge; set l2 > 0' });
  }

  const coefficients = new Array<number>(width).fill(0);
  active.forEach((j, r) => (coefficients[j] = Math.fround((beta[r] ?? 0) / (scale[j] ?? 1))));
  // Intercept from the rounded coefficients, so float32 storage does not shift the mean prediction.
  const intercept = coefficients.reduce((b, w, j) => b - w * (mean[j] ?? 0), targetMean);
  return new LinearRegression(coefficients, Math.fround(intercept), center);
}

function columnMeans(features: Matrix, width: number): Float64Array {
  const sums = new Float64Array(width);
  for (const row of features) for (let j = 0; j < width; j++) sums[j] = (sums[j] ?? 0) + Math.fround(row[j] ?? 0);
  return sums.map((s) => s / features.length);
}

/** Means, the covariance matrix (row-major, divided by n) and the feature-target covariances. */
function moments(
  rows: readonly Float32Array[],
  targets: readonly number[],
  width: number,
): { mean: Float64Array; covariance: Float64Array; crossCovariance: Float64Array; targetMean: number } {
  const n = rows.length;
  const mean = new Float64Array(width);
  for (const row of rows) for (let j = 0; j < width; j++) mean[j] = (mean[j] ?? 0) + (row[j] ?? 0) / n;
  const targetMean = targets.reduce((s, y) => s + y, 0) / n;
  const covariance = new Float64Array(width * width);
  const crossCovariance = new Float64Array(width);
  const d = new Float64Array(width);
  rows.forEach((row, i) => {
    for (let j = 0; j < width; j++) d[j] = (row[j] ?? 0) - (mean[j] ?? 0);
    const dy = (targets[i] ?? 0) - targetMean;
    for (let j = 0; j < width; j++) {
      const dj = d[j] ?? 0;
      crossCovariance[j] = (crossCovariance[j] ?? 0) + (dj * dy) / n;
      for (let k = j; k < width; k++) covariance[j * width + k] = (covariance[j * width + k] ?? 0) + (dj * (d[k] ?? 0)) / n;
    }
  });
  for (let j = 0; j < width; j++) for (let k = 0; k < j; k++) covariance[j * width + k] = covariance[k * width + j] ?? 0;
  return { mean, covariance, crossCovariance, targetMean };
}

/**
 * Solves A·x = b for a symmetric positive-definite A (row-major) by Cholesky; undefined when a pivot
 * is not clearly positive (A singular or nearly so, relative to its diagonal).
 */
export function choleskySolve(a: Float64Array, b: Float64Array): Float64Array | undefined {
  const n = b.length;
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j] ?? 0;
      for (let k = 0; k < j; k++) sum -= (l[i * n + k] ?? 0) * (l[j * n + k] ?? 0);
      if (i === j) {
        if (!(sum > 1e-12 * Math.max(1, a[i * n + i] ?? 0))) return undefined;
        l[i * n + i] = Math.sqrt(sum);
      } else {
        l[i * n + j] = sum / (l[j * n + j] ?? 1);
      }
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = b[i] ?? 0;
    for (let k = 0; k < i; k++) sum -= (l[i * n + k] ?? 0) * (y[k] ?? 0);
    y[i] = sum / (l[i * n + i] ?? 1);
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i] ?? 0;
    for (let k = i + 1; k < n; k++) sum -= (l[k * n + i] ?? 0) * (x[k] ?? 0);
    x[i] = sum / (l[i * n + i] ?? 1);
  }
  return x;
}
