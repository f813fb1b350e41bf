/** One observed value of a monitored column: a number for numerical columns, any primitive for categorical ones. */
export type DriftValue = number | string | boolean;

/** Whether a column is numerical or categorical — Evidently's `num` / `cat` column types. */
export type ColumnKind = 'num' | 'cat';

/** The drift methods this module implements, named as Evidently names its stattests. */
export type DriftTestName = 'ks' | 'chisquare' | 'z' | 'wasserstein' | 'jensenshannon' | 'psi';

/**
 * The outcome of one drift check on one column.
 * For hypothesis tests (`ks`, `chisquare`, `z`) `pValue` is set and drift means `pValue < threshold`;
 * for distances (`wasserstein`, `jensenshannon`, `psi`) drift means `statistic >= threshold`.
 */
export interface DriftResult {
  test: DriftTestName;
  /** The test statistic (KS D, χ², z) or the distance itself. */
  statistic: number;
  /** Set for hypothesis tests only. */
  pValue?: number;
  threshold: number;
  drifted: boolean;
}

export function requireNonEmpty(name: string, reference: readonly unknown[], current: readonly unknown[]): void {
  if (reference.length === 0 || current.length === 0) {
    throw new RangeError(`${name} needs non-empty reference and current samples (got ${reference.length} and ${current.length})`);
  }
}

export function requireNumbers(name: string, values: readonly DriftValue[]): readonly number[] {
  for (const value of values) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new TypeError(`${name} needs finite numbers, got ${JSON.stringify(value)}`);
    }
  }
  return values as readonly number[];
}
