import { chooseDriftTest, type DriftTestName } from '../stats/index.js';
import type { BaselineFeature } from './baseline.js';

export interface FeatureDrift {
  readonly feature: string;
  /** The method that ran (Evidently's default choice unless the monitor pins one). */
  readonly test?: DriftTestName;
  readonly statistic?: number;
  /** For hypothesis tests (ks, chisquare, z); distances have none. */
  readonly pValue?: number;
  readonly threshold?: number;
  readonly drifted: boolean;
  readonly referenceSize?: number;
  readonly currentSize: number;
  /** Mean of the recent values (what triggers on `feature:<name>.mean` read). */
  readonly currentMean?: number;
  /** Why the feature was not tested. */
  readonly skipped?: string;
}

export interface DriftSummary {
  readonly features: FeatureDrift[];
  readonly tested: number;
  readonly driftedFeatures: number;
  /** Drifted / tested features (Evidently's "share of drifted columns"); 0 when none was tested. */
  readonly driftShare: number;
}

export interface DriftOptions {
  readonly test?: DriftTestName;
  readonly threshold?: number;
  /** Fewer recent values than this for a feature: skipped. */
  readonly minSamples: number;
}

/** Runs one drift test per feature, recent values against the baseline's reference values. */
export function driftSummary(features: readonly BaselineFeature[], columns: ReadonlyMap<string, readonly number[]>, options: DriftOptions): DriftSummary {
  const results = features.map((feature): FeatureDrift => {
    const current = columns.get(feature.name) ?? [];
    const currentMean = current.length > 0 ? current.reduce((s, v) => s + v, 0) / current.length : undefined;
    const base = { feature: feature.name, currentSize: current.length, ...(currentMean !== undefined ? { currentMean } : {}) };
    if (feature.reference === undefined) return { ...base, drifted: false, skipped: 'the model baseline has no reference values for this feature' };
    if (current.length < options.minSamples) return { ...base, drifted: false, referenceSize: feature.reference.length, skipped: `${current.length} recent values, fewer than minSamples ${options.minSamples}` };
    const result = chooseDriftTest(feature.reference, current, 'num', {
      ...(options.test !== undefined ? { test: options.test } : {}),
      ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
    });
    return {
      ...base,
      test: result.test,
      statistic: result.statistic,
      ...(result.pValue !== undefined ? { pValue: result.pValue } : {}),
      threshold: result.threshold,
      drifted: result.drifted,
      referenceSize: feature.reference.length,
    };
  });
  const tested = results.filter((r) => r.test !== undefined).length;
  const driftedFeatures = results.filter((r) => r.drifted).length;
  return { features: results, tested, driftedFeatures, driftShare: tested === 0 ? 0 : driftedFeatures / tested };
}
