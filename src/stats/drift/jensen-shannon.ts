import { binShares } from './binning.js';
import { requireNonEmpty, type ColumnKind, type DriftResult, type DriftValue } from './types.js';

/** Evidently's default Jensen–Shannon threshold: drift when the distance is ≥ 0.1. */
export const JENSEN_SHANNON_DEFAULT_THRESHOLD = 0.1;

/**
 * Jensen–Shannon distance between two discrete distributions (scipy.spatial.distance.jensenshannon):
 * √(½·KL(p‖m) + ½·KL(q‖m)) with m = (p + q)/2, logarithms in `base` (2 → the distance lies in [0, 1]).
 * Inputs are normalised to sum to 1; zero entries contribute nothing.
 */
export function jensenShannonDistance(p: readonly number[], q: readonly number[], base = 2): number {
  if (p.length !== q.length || p.length === 0) throw new RangeError(`jensenShannonDistance needs two equal, non-empty vectors (${p.length} vs ${q.length})`);
  const sp = p.reduce((s, x) => s + x, 0);
  const sq = q.reduce((s, x) => s + x, 0);
  let js = 0;
  for (let i = 0; i < p.length; i++) {
    const a = (p[i] as number) / sp;
    const b = (q[i] as number) / sq;
    const m = (a + b) / 2;
    if (a > 0) js += a * Math.log(a / m);
    if (b > 0) js += b * Math.log(b / m);
  }
  return Math.sqrt(Math.max(0, js / Math.log(base) / 2));
}

/** Evidently's `jensenshannon` stattest: the distance over Evidently's bins (no zero filling), base 2. */
export function jensenShannonDrift(
  reference: readonly DriftValue[],
  current: readonly DriftValue[],
  kind: ColumnKind,
  threshold = JENSEN_SHANNON_DEFAULT_THRESHOLD,
): DriftResult {
  requireNonEmpty('jensenShannonDrift', reference, current);
  const shares = binShares(reference, current, kind);
  const statistic = jensenShannonDistance(shares.reference, shares.current);
  return { test: 'jensenshannon', statistic, threshold, drifted: statistic >= threshold };
}
