import { performance } from 'node:perf_hooks';
import { isMlError } from '../errors/ml-error.js';
import type { ModelLease } from '../serving/model-host.js';
import type { ServerContext } from './context.js';

/** Per-call helpers handed to the route's handler. */
export interface CallContext {
  /** Counts the rows inferred (the inferences metric). */
  countRows(rows: number): void;
  /** Deadline options for `infer`/`predict`, from the model's `limits.timeoutMs`. */
  readonly deadline: { deadline?: number; deadlineMs?: number };
}

/**
 * Runs a prediction under a lease on the current version and records metrics.
 * The lease keeps that version alive until the answer is computed, which is
 * what lets an alias move drain old versions without failing requests.
 */
export async function observed<T>(
  ctx: ServerContext,
  protocol: string,
  modelName: string,
  run: (lease: ModelLease, call: CallContext) => Promise<T>,
): Promise<T> {
  const host = ctx.repository.get(modelName);
  const arrived = performance.now();
  let lease: ModelLease;
  try {
    lease = host.acquire();
  } catch (err) {
    ctx.metrics.requestSeries(modelName, host.current.version, protocol).count(isMlError(err) ? err.status : 500);
    throw err;
  }
  const series = ctx.metrics.requestSeries(modelName, lease.model.version, protocol);
  const timeoutMs = host.limits?.timeoutMs ?? 0;
  const call: CallContext = {
    countRows: (rows) => series.inferences.inc(rows),
    deadline: timeoutMs > 0 ? { deadline: arrived + timeoutMs, deadlineMs: timeoutMs } : {},
  };
  let status = 200;
  try {
    return await run(lease, call);
  } catch (err) {
    status = isMlError(err) ? err.status : 500;
    throw err;
  } finally {
    lease.release();
    series.latency.observe((performance.now() - arrived) / 1000);
    series.count(status);
  }
}
