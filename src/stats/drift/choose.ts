import { chiSquareDrift } from './chi-square.js';
import { jensenShannonDrift } from './jensen-shannon.js';
import { ksDrift } from './ks.js';
import { psiDrift } from './psi.js';
import type { ColumnKind, DriftResult, DriftTestName, DriftValue } from './types.js';
import { wassersteinDrift } from './wasserstein.js';
import { proportionDrift } from './z-test.js';

/** Evidently switches from hypothesis tests to distances above this many reference rows. */
export const SMALL_SAMPLE_ROW_LIMIT = 1000;
/** A numerical column with at most this many distinct values is tested as categorical. */
export const MAX_CATEGORICAL_DISTINCT = 5;

/**
 * Which drift method Evidently would pick by default for a column, following
 * `_get_default_stattest` in evidently/calculations/stattests/registry.py and the documented
 * "Data drift algorithm" (https://docs.evidentlyai.com/reference/data-drift-algorithm):
 *
 * | reference rows | column | distinct values (ref ∪ cur) | method        | drift when   |
 * |----------------|--------|-----------------------------|---------------|--------------|
 * | ≤ 1000         | num    | > 5                         | ks            | p < 0.05     |
 * | ≤ 1000         | num    | 3–5                         | chisquare     | p < 0.05     |
 * | ≤ 1000         | num    | ≤ 2                         | z             | p < 0.05     |
 * | ≤ 1000         | cat    | > 2                         | chisquare     | p < 0.05     |
 * | ≤ 1000         | cat    | ≤ 2                         | z             | p < 0.05     |
 * | > 1000         | num    | > 5                         | wasserstein   | ≥ 0.1 (normed) |
 * | > 1000         | num    | ≤ 5                         | jensenshannon | ≥ 0.1        |
 * | > 1000         | cat    | any                         | jensenshannon | ≥ 0.1        |
 */
export function defaultDriftTest(reference: readonly DriftValue[], current: readonly DriftValue[], kind: ColumnKind): DriftTestName {
  const distinct = new Set([...reference, ...current]).size;
  if (reference.length <= SMALL_SAMPLE_ROW_LIMIT) {
    if (kind === 'num' && distinct > MAX_CATEGORICAL_DISTINCT) return 'ks';
    return distinct > 2 ? 'chisquare' : 'z';
  }
  return kind === 'num' && distinct > MAX_CATEGORICAL_DISTINCT ? 'wasserstein' : 'jensenshannon';
}

/** Runs one named drift method with its Evidently default threshold unless `threshold` is given. */
export function runDriftTest(
  test: DriftTestName,
  reference: readonly DriftValue[],
  current: readonly DriftValue[],
  kind: ColumnKind,
  threshold?: number,
): DriftResult {
  switch (test) {
    case 'ks':
      return ksDrift(reference, current, threshold);
    case 'chisquare':
      return chiSquareDrift(reference, current, threshold);
    case 'z':
      return proportionDrift(reference, current, threshold);
    case 'wasserstein':
      return wassersteinDrift(reference, current, threshold);
    case 'jensenshannon':
      return jensenShannonDrift(reference, current, kind, threshold);
    case 'psi':
      return psiDrift(reference, current, kind, threshold);
  }
}

export interface ChooseDriftOptions {
  /** Use this method instead of Evidently's default choice (Evidently's `stattest`). */
  test?: DriftTestName;
  /** Override the method's default threshold (Evidently's `stattest_threshold`). */
  threshold?: number;
}

/**
 * Evidently's default per-column drift check: picks the method with {@link defaultDriftTest}, runs it
 * with its default threshold, and says whether the column drifted. Values must be non-null; for
 * `kind: 'num'` with a numerical method they must be finite numbers.
 */
export function chooseDriftTest(
  reference: readonly DriftValue[],
  current: readonly DriftValue[],
  kind: ColumnKind,
  options: ChooseDriftOptions = {},
): DriftResult {
  const test = options.test ?? defaultDriftTest(reference, current, kind);
  return runDriftTest(test, reference, current, kind, options.threshold);
}
