import { chiSquareSf } from '../special.js';
import { countValues } from './binning.js';
import { requireNonEmpty, type DriftResult, type DriftValue } from './types.js';

/** Evidently's default chi-square threshold: drift when the p-value is below 0.05. */
export const CHI_SQUARE_DEFAULT_THRESHOLD = 0.05;

export interface ChiSquareResult {
  statistic: number;
  pValue: number;
  degreesOfFreedom: number;
}

/**
 * Pearson's chi-square goodness-of-fit of the current category counts against the reference shares,
 * as Evidently's `chisquare` stattest does: expected_k = ref_count_k · n_cur / n_ref over every category
 * seen in either sample, χ² = Σ (obs − exp)² / exp, p = P(χ²_{k−1} ≥ χ²) (scipy.stats.chisquare).
 * A category absent from the reference but present now gives χ² = ∞ and p = 0 (certain drift);
 * a single category overall gives χ² = 0 and p = 1 (nothing can have shifted).
 */
export function chiSquareTest(reference: readonly DriftValue[], current: readonly DriftValue[]): ChiSquareResult {
  requireNonEmpty('chiSquareTest', reference, current);
  const keys = [...new Set([...reference, ...current])];
  if (keys.length < 2) return { statistic: 0, pValue: 1, degreesOfFreedom: 0 };
  const refCounts = countValues(reference);
  const curCounts = countValues(current);
  const scale = current.length / reference.length;
  let statistic = 0;
  for (const key of keys) {
    const expected = (refCounts.get(key) ?? 0) * scale;
    const observed = curCounts.get(key) ?? 0;
    statistic += expected === 0 ? (observed === 0 ? 0 : Infinity) : (observed - expected) ** 2 / expected;
  }
  const degreesOfFreedom = keys.length - 1;
  return { statistic, pValue: statistic === Infinity ? 0 : chiSquareSf(statistic, degreesOfFreedom), degreesOfFreedom };
}

/** Evidently's `chisquare` stattest: drift when the p-value is below the threshold. */
export function chiSquareDrift(reference: readonly DriftValue[], current: readonly DriftValue[], threshold = CHI_SQUARE_DEFAULT_THRESHOLD): DriftResult {
  const { statistic, pValue } = chiSquareTest(reference, current);
  return { test: 'chisquare', statistic, pValue, threshold, drifted: pValue < threshold };
}
