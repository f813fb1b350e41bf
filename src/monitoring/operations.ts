import type { PredictionRecord } from '../ports/event-log.js';

/** Serving health over a monitor's window, from the prediction log's `latency_ms` and `status`. */
export interface OperationsSummary {
  /** Logged model calls in the window. */
  readonly calls: number;
  readonly callsPerMinute: number;
  /** Share of calls whose status is not "ok". */
  readonly errorRate: number;
  /** Latency percentiles of the calls (numpy's linear interpolation); absent without calls. */
  readonly latencyMs?: { readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number };
  /** With `latencySloMs`: share of calls slower than it (an SLO of "99% under X ms" is violated above 0.01). */
  readonly sloViolationRate?: number;
}

export function operationsSummary(records: readonly PredictionRecord[], windowMs: number, latencySloMs?: number): OperationsSummary {
  const calls = records.length;
  const latencies = records.map((r) => r.latency_ms).filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const errors = records.filter((r) => r.status !== 'ok').length;
  return {
    calls,
    callsPerMinute: calls / (windowMs / 60_000),
    errorRate: calls === 0 ? 0 : errors / calls,
    ...(latencies.length > 0
      ? { latencyMs: { p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95), p99: quantile(latencies, 0.99), max: latencies[latencies.length - 1] ?? 0 } }
      : {}),
    ...(latencySloMs !== undefined && latencies.length > 0 ? { sloViolationRate: latencies.filter((v) => v > latencySloMs).length / latencies.length } : {}),
  };
}

/**
 * Quantile of ascending values with linear interpolation between ranks (numpy's
 * default). Kept here rather than imported from src/training: serving code must
 * not pull in training code (test/training/serving-isolation.test.ts).
 */
function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const below = sorted[lower] ?? Number.NaN;
  const above = sorted[Math.min(lower + 1, sorted.length - 1)] ?? Number.NaN;
  return below + (above - below) * (position - lower);
}
