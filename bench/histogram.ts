import hdr from 'hdr-histogram-js';
import type { LatencySummary } from './load-protocol.js';

/** A histogram of microseconds, 1 µs to 10 min at 3 significant digits. */
export function microsHistogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
}

/** Records a duration given in milliseconds (what timers give) as whole microseconds, at least 1. */
export function recordMs(histogram: hdr.Histogram, ms: number): void {
  histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
}

export function summarize(histogram: hdr.Histogram): LatencySummary {
  const count = histogram.totalCount;
  if (count === 0) return { count: 0, p50Us: 0, p90Us: 0, p99Us: 0, maxUs: 0, meanUs: 0 };
  return {
    count,
    p50Us: histogram.getValueAtPercentile(50),
    p90Us: histogram.getValueAtPercentile(90),
    p99Us: histogram.getValueAtPercentile(99),
    maxUs: histogram.maxValue,
    meanUs: Math.round(histogram.mean),
  };
}

/** Median of plain samples (the raw onnxruntime timings are few enough to sort). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return 0;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
