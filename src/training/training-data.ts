import { MlError } from '../errors/ml-error.js';
import type { Matrix } from './math.js';

/**
 * Checks shared by the trainers: bad data must fail with INVALID_TRAINING_DATA and a message that
 * points at the row, not with NaN weights or an index error deep inside a fit.
 */

const FLOAT32_MAX = 3.4028234663852886e38;

function invalid(reason: string): MlError {
  return new MlError('INVALID_TRAINING_DATA', { reason });
}

/** Rows of equal width (≥ 1) holding finite numbers; returns the width. */
export function checkFeatures(features: Matrix): number {
  if (features.length === 0) throw invalid('no rows');
  const width = features[0]?.length ?? 0;
  if (width === 0) throw invalid('rows have no features');
  features.forEach((row, i) => {
    if (row.length !== width) throw invalid(`row ${i} has ${row.length} features, row 0 has ${width}`);
    for (let j = 0; j < width; j++) {
      const v = row[j];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw invalid(`row ${i}, feature ${j} is ${String(v)}, not a finite number`);
      // Served models take float32 features: a larger magnitude would reach the model as Infinity.
      if (Math.abs(v) > FLOAT32_MAX) throw invalid(`row ${i}, feature ${j} is ${v}, outside the float32 range a served model takes`);
    }
  });
  return width;
}

/** One finite target per row. */
export function checkTargets(targets: readonly number[], rows: number): void {
  if (targets.length !== rows) throw invalid(`${targets.length} targets for ${rows} rows`);
  targets.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw invalid(`target ${i} is ${String(v)}, not a finite number`);
  });
}

/** One class index in 0..classCount-1 per row, classCount ≥ 2. */
export function checkLabels(labels: readonly number[], rows: number, classCount: number): void {
  if (!Number.isInteger(classCount) || classCount < 2) throw invalid(`classCount must be an integer ≥ 2, got ${classCount}`);
  if (labels.length !== rows) throw invalid(`${labels.length} labels for ${rows} rows`);
  labels.forEach((label, i) => {
    if (!Number.isInteger(label) || label < 0 || label >= classCount) {
      throw invalid(`label ${i} is ${String(label)}, not a class index in 0..${classCount - 1}`);
    }
  });
}

/** A number option inside [min, max] (integer when asked); the name goes into the error. */
export function checkOption(name: string, value: number, min: number, max: number, integer = false): void {
  if (typeof value !== 'number' || Number.isNaN(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw invalid(`option ${name} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${String(value)}`);
  }
}

/**
 * Rows to predict on, as the float32 values a served model receives, flat row-major: every predict()
 * here rounds its input like this, so that it computes what onnxruntime computes on the exported file.
 * @throws MlError INVALID_SHAPE when a row's width is not the model's.
 */
export function float32Matrix(features: Matrix, width: number): Float32Array {
  const flat = new Float32Array(features.length * width);
  features.forEach((row, i) => {
    if (row.length !== width) {
      throw new MlError('INVALID_SHAPE', { input: 'features', reason: `row ${i} has ${row.length} features, the model takes ${width}` });
    }
    flat.set(row, i * width);
  });
  return flat;
}

/** A string option that must be one of `choices`. */
export function checkChoice(name: string, value: string, choices: readonly string[]): void {
  if (!choices.includes(value)) throw invalid(`option ${name} must be one of ${choices.join(', ')}, got ${String(value)}`);
}
