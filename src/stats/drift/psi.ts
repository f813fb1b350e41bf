import { binShares, fillZeroShares } from './binning.js';
import { requireNonEmpty, type ColumnKind, type DriftResult, type DriftValue } from './types.js';

/** Evidently's default PSI threshold: drift when PSI is ≥ 0.1. */
export const PSI_DEFAULT_THRESHOLD = 0.1;

/** PSI = Σ (r_i − c_i) · ln(r_i / c_i) over bucket shares; shares must be non-zero (see {@link fillZeroShares}). */
export function populationStabilityIndex(referenceShares: readonly number[], currentShares: readonly number[]): number {
  if (referenceShares.length !== currentShares.length) throw new RangeError('populationStabilityIndex needs as many reference as current shares');
  return referenceShares.reduce((sum, r, i) => {
    const c = currentShares[i] as number;
    return sum + (r - c) * Math.log(r / c);
  }, 0);
}

/**
 * Evidently's `psi` stattest: Evidently's bins (Sturges edges for numerical columns with more than 20
 * distinct values, else one bucket per value), zero shares replaced by a small epsilon, then PSI.
 * Not part of the default selection; the usual reading is < 0.1 stable, 0.1–0.2 moderate, > 0.2 major shift.
 */
export function psiDrift(reference: readonly DriftValue[], current: readonly DriftValue[], kind: ColumnKind, threshold = PSI_DEFAULT_THRESHOLD): DriftResult {
  requireNonEmpty('psiDrift', reference, current);
  const shares = binShares(reference, current, kind);
  const statistic = populationStabilityIndex(fillZeroShares(shares.reference), fillZeroShares(shares.current));
  return { test: 'psi', statistic, threshold, drifted: statistic >= threshold };
}
