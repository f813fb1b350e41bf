/** The loading test as a library: what `mlpatterns loadtest` runs. */
export { LatencyHistogram, type LatencySummary } from './histogram.js';
export { LoadtestUsageError, defaultConnections, parseDuration, planFromFlags, type LoadPlan, type LoadtestFlags } from './options.js';
export { buildReport, formatReport, missedThresholds, type LatencyMs, type LoadtestReport, type Thresholds } from './report.js';
export { runLoad, type LoadProgress, type LoadResult, type RunLoadOptions } from './run-load.js';
