import type { Matrix } from './math.js';

/** Per-feature mean and standard deviation: serving computes (x - mean) / std with the same numbers. */
export interface Standardizer {
  readonly mean: number[];
  readonly std: number[];
}

/**
 * Fits a standardizer like scikit-learn's StandardScaler: population standard
 * deviation (ddof 0), and 1 for a constant feature so that it maps to 0 instead of NaN.
 *
 * @param decimals rounds mean and std, so that a manifest can carry the exact values
 *   the model was trained with in readable form.
 */
export function fitStandardizer(features: Matrix, decimals?: number): Standardizer {
  const rows = features.length;
  if (rows === 0) throw new Error('cannot fit a standardizer on no rows');
  const width = features[0]?.length ?? 0;
  const round = (v: number): number => (decimals === undefined ? v : Number(v.toFixed(decimals)));
  const mean: number[] = [];
  const std: number[] = [];
  for (let j = 0; j < width; j++) {
    let sum = 0;
    for (const row of features) sum += row[j] ?? 0;
    const m = sum / rows;
    let squares = 0;
    for (const row of features) squares += ((row[j] ?? 0) - m) ** 2;
    const s = Math.sqrt(squares / rows);
    mean.push(round(m));
    std.push(s > 0 ? round(s) : 1);
  }
  return { mean, std };
}

export function standardize(features: Matrix, { mean, std }: Standardizer): number[][] {
  return features.map((row) => row.map((v, j) => (v - (mean[j] ?? 0)) / (std[j] ?? 1)));
}
