import type { DriftTestName } from '../stats/index.js';

/** Every drift method a monitor may be pinned to (`test:`), as src/stats names them. */
export const DRIFT_TESTS = ['ks', 'chisquare', 'z', 'wasserstein', 'jensenshannon', 'psi'] as const satisfies readonly DriftTestName[];
