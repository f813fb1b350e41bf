export { binShares, fillZeroShares, histogram, sturgesEdges, type BinnedShares } from './binning.js';
export { CHI_SQUARE_DEFAULT_THRESHOLD, chiSquareDrift, chiSquareTest, type ChiSquareResult } from './chi-square.js';
export { MAX_CATEGORICAL_DISTINCT, SMALL_SAMPLE_ROW_LIMIT, chooseDriftTest, defaultDriftTest, runDriftTest, type ChooseDriftOptions } from './choose.js';
export { JENSEN_SHANNON_DEFAULT_THRESHOLD, jensenShannonDistance, jensenShannonDrift } from './jensen-shannon.js';
export { KS_DEFAULT_THRESHOLD, ksDrift, ksTwoSample, type KsTwoSampleResult } from './ks.js';
export { PSI_DEFAULT_THRESHOLD, populationStabilityIndex, psiDrift } from './psi.js';
export type { ColumnKind, DriftResult, DriftTestName, DriftValue } from './types.js';
export { WASSERSTEIN_DEFAULT_THRESHOLD, normalizedWasserstein, populationStd, wassersteinDistance, wassersteinDrift } from './wasserstein.js';
export { Z_DEFAULT_THRESHOLD, proportionDrift } from './z-test.js';
