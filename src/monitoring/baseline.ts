/**
 * The reference side of a drift test: the training values a model package keeps
 * in its manifest's `baseline.<feature>.reference` (written by featureStatistics
 * with a reference limit). Summary statistics alone (mean, std, quantiles) are
 * not a distribution: a feature without reference values is reported as
 * skipped rather than tested against numbers made up from its quantiles.
 */
export interface BaselineFeature {
  readonly name: string;
  /** Position of the feature in an instance given as a list (the baseline's key order). */
  readonly index: number;
  readonly reference?: readonly number[];
}

export function baselineFeatures(baseline: unknown): BaselineFeature[] {
  if (baseline === null || typeof baseline !== 'object' || Array.isArray(baseline)) return [];
  return Object.entries(baseline as Record<string, unknown>).map(([name, stats], index) => {
    const reference = (stats as { reference?: unknown } | null)?.reference;
    const usable = Array.isArray(reference) && reference.length > 0 && reference.every((v) => typeof v === 'number' && Number.isFinite(v));
    return usable ? { name, index, reference: reference as number[] } : { name, index };
  });
}
