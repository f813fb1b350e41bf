/** Pure statistics for drift monitors, A/B reports, bandits and continued evaluation (docs/statistics.md). */
export * from './drift/index.js';
export * from './experiments.js';
export * from './metrics.js';
export * from './random.js';
export * from './special.js';
