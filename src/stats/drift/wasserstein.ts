import { requireNonEmpty, requireNumbers, type DriftResult, type DriftValue } from './types.js';

/** Evidently's default threshold for the normed Wasserstein distance: drift when it is ≥ 0.1. */
export const WASSERSTEIN_DEFAULT_THRESHOLD = 0.1;

/** First Wasserstein (earth mover's) distance between two 1-D samples: ∫ |F_u(x) − F_v(x)| dx (scipy.stats.wasserstein_distance). */
export function wassersteinDistance(u: readonly number[], v: readonly number[]): number {
  requireNonEmpty('wassersteinDistance', u, v);
  const a = [...u].sort((x, y) => x - y);
  const b = [...v].sort((x, y) => x - y);
  const all = [...a, ...b].sort((x, y) => x - y);
  let i = 0;
  let j = 0;
  let total = 0;
  for (let k = 0; k < all.length - 1; k++) {
    const x = all[k] as number;
    while (i < a.length && (a[i] as number) <= x) i++;
    while (j < b.length && (b[j] as number) <= x) j++;
    total += Math.abs(i / a.length - j / b.length) * ((all[k + 1] as number) - x);
  }
  return total;
}

/** Population standard deviation (numpy's default ddof = 0, which Evidently uses for the norm). */
export function populationStd(values: readonly number[]): number {
  const mean = values.reduce((s, x) => s + x, 0) / values.length;
  return Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / values.length);
}

/**
 * Evidently's `wasserstein` stattest ("Wasserstein distance (normed)"): W₁(ref, cur) divided by the
 * reference standard deviation (floored at 0.001 so a constant reference does not divide by zero).
 * A value of 0.1 means the distributions are a tenth of a standard deviation apart on average.
 */
export function normalizedWasserstein(reference: readonly number[], current: readonly number[]): number {
  return wassersteinDistance(reference, current) / Math.max(populationStd(reference), 0.001);
}

export function wassersteinDrift(reference: readonly DriftValue[], current: readonly DriftValue[], threshold = WASSERSTEIN_DEFAULT_THRESHOLD): DriftResult {
  const statistic = normalizedWasserstein(requireNumbers('wasserstein', reference), requireNumbers('wasserstein', current));
  return { test: 'wasserstein', statistic, threshold, drifted: statistic >= threshold };
}
