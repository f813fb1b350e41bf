import type { Matrix } from './math.js';

/** Summary of one feature's training distribution: the baseline that drift monitors compare against. */
export interface FeatureStatistics {
  readonly count: number;
  readonly mean: number;
  /** Population standard deviation. */
  readonly std: number;
  readonly min: number;
  readonly max: number;
  readonly p5: number;
  readonly p25: number;
  readonly p50: number;
  readonly p75: number;
  readonly p95: number;
  /**
   * Training values themselves (sorted; all of them, or evenly spaced ranks when
   * there are more than the limit). Drift tests (KS, Wasserstein, …) compare
   * distributions, which summary statistics cannot stand in for.
   */
  readonly reference?: readonly number[];
}

/**
 * Per-feature statistics, keyed by feature name in column order.
 * @param decimals rounds every value, to keep manifests readable (counts stay exact).
 */
export function featureStatistics(
  features: Matrix,
  featureNames: readonly string[],
  decimals?: number,
  /** Keep at most this many training values per feature as `reference` (for drift tests). @default none kept */
  referenceLimit?: number,
): Record<string, FeatureStatistics> {
  const round = (v: number): number => (decimals === undefined ? v : Number(v.toFixed(decimals)));
  // One buffer for every column, sorted in place once per column (a typed-array sort, no comparator
  // calls): the quantiles and the reference sample both read the sorted copy.
  const column = new Float64Array(features.length);
  return Object.fromEntries(
    featureNames.map((name, j) => {
      features.forEach((row, i) => (column[i] = row[j] ?? Number.NaN));
      const stats = summarise(column, column, round);
      return [name, referenceLimit === undefined ? stats : { ...stats, reference: sampleSorted(column, referenceLimit).map(round) }];
    }),
  );
}

/** All values sorted, or `limit` of them at evenly spaced ranks: deterministic, and keeps the shape of the distribution. */
export function referenceSample(values: readonly number[], limit: number): number[] {
  return sampleSorted(Float64Array.from(values).sort(), limit);
}

export function columnStatistics(values: readonly number[], round: (v: number) => number = (v) => v): FeatureStatistics {
  return summarise(values, new Float64Array(values.length), round);
}

/** Quantile of ascending values with linear interpolation between ranks (numpy's default). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const below = sorted[lower] ?? Number.NaN;
  const above = sorted[Math.min(lower + 1, sorted.length - 1)] ?? Number.NaN;
  return below + (above - below) * (position - lower);
}

/**
 * Statistics of `values`; `scratch` (of the same length, may be `values` itself) receives them
 * sorted. Mean and variance are summed in the values' own order, before the sort.
 */
function summarise(values: ArrayLike<number>, scratch: Float64Array, round: (v: number) => number): FeatureStatistics {
  const count = values.length;
  if (count === 0) throw new Error('no values to summarise');
  let sum = 0;
  for (let i = 0; i < count; i++) sum += values[i]!;
  const mean = sum / count;
  let squares = 0;
  for (let i = 0; i < count; i++) squares += (values[i]! - mean) ** 2;
  const variance = squares / count;
  if (scratch !== values) scratch.set(values);
  const sorted = scratch.sort();
  return {
    count,
    mean: round(mean),
    std: round(Math.sqrt(variance)),
    min: round(sorted[0] ?? Number.NaN),
    max: round(sorted[count - 1] ?? Number.NaN),
    p5: round(quantile(sorted, 0.05)),
    p25: round(quantile(sorted, 0.25)),
    p50: round(quantile(sorted, 0.5)),
    p75: round(quantile(sorted, 0.75)),
    p95: round(quantile(sorted, 0.95)),
  };
}

function sampleSorted(sorted: Float64Array, limit: number): number[] {
  if (sorted.length <= limit) return Array.from(sorted);
  return Array.from({ length: limit }, (_, i) => sorted[Math.round((i * (sorted.length - 1)) / Math.max(1, limit - 1))] ?? Number.NaN);
}
