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
  return Object.fromEntries(
    featureNames.map((name, j) => {
      const column = features.map((row) => row[j] ?? Number.NaN);
      const stats = columnStatistics(column, round);
      return [name, referenceLimit === undefined ? stats : { ...stats, reference: referenceSample(column, referenceLimit).map(round) }];
    }),
  );
}

/** All values sorted, or `limit` of them at evenly spaced ranks: deterministic, and keeps the shape of the distribution. */
export function referenceSample(values: readonly number[], limit: number): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length <= limit) return sorted;
  return Array.from({ length: limit }, (_, i) => sorted[Math.round((i * (sorted.length - 1)) / Math.max(1, limit - 1))] ?? Number.NaN);
}

export function columnStatistics(values: readonly number[], round: (v: number) => number = (v) => v): FeatureStatistics {
  if (values.length === 0) throw new Error('no values to summarise');
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
  return {
    count: values.length,
    mean: round(mean),
    std: round(Math.sqrt(variance)),
    min: round(sorted[0] ?? Number.NaN),
    max: round(sorted[sorted.length - 1] ?? Number.NaN),
    p5: round(quantile(sorted, 0.05)),
    p25: round(quantile(sorted, 0.25)),
    p50: round(quantile(sorted, 0.5)),
    p75: round(quantile(sorted, 0.75)),
    p95: round(quantile(sorted, 0.95)),
  };
}

/** Quantile of ascending values with linear interpolation between ranks (numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const below = sorted[lower] ?? Number.NaN;
  const above = sorted[Math.min(lower + 1, sorted.length - 1)] ?? Number.NaN;
  return below + (above - below) * (position - lower);
}
