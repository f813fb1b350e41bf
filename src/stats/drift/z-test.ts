import { normalSf } from '../special.js';
import { requireNonEmpty, type DriftResult, type DriftValue } from './types.js';

/** Evidently's default Z-test threshold: drift when the p-value is below 0.05. */
export const Z_DEFAULT_THRESHOLD = 0.05;

/**
 * Evidently's `z` stattest for binary columns: the proportion-difference z-test for independent
 * samples with a pooled variance. The first value in sort order is coded 0, anything else 1;
 * z = (p_ref − p_cur) / √(P(1−P)(1/n_ref + 1/n_cur)) with P the pooled share; p = 2·(1 − Φ(|z|)).
 * Both samples holding one and the same value gives p = 1, as in Evidently.
 */
export function proportionDrift(reference: readonly DriftValue[], current: readonly DriftValue[], threshold = Z_DEFAULT_THRESHOLD): DriftResult {
  requireNonEmpty('proportionDrift', reference, current);
  const keys = [...new Set([...reference, ...current])].sort(compareValues);
  if (keys.length === 1) return { test: 'z', statistic: 0, pValue: 1, threshold, drifted: false };
  const first = keys[0];
  const n1 = reference.length;
  const n2 = current.length;
  const p1 = reference.filter((v) => v !== first).length / n1;
  const p2 = current.filter((v) => v !== first).length / n2;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const pValue = Math.min(1, 2 * normalSf(Math.abs(z)));
  return { test: 'z', statistic: z, pValue, threshold, drifted: pValue < threshold };
}

function compareValues(a: DriftValue, b: DriftValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
