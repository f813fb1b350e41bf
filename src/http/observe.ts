import { performance } from 'node:perf_hooks';
import type { FastifyRequest } from 'fastify';
import { isMlError } from '../errors/ml-error.js';
import type { NotedFacts } from '../predlog/prediction-logger.js';
import type { ModelLease } from '../serving/model-host.js';
import type { ServerContext } from './context.js';

/** Per-call helpers handed to the route's handler. */
export interface CallContext {
  /** Counts the rows inferred (the inferences metric). */
  countRows(rows: number): void;
  /** Deadline options for `infer`/`predict`, from the model's `limits.timeoutMs`. */
  readonly deadline: { deadline?: number; deadlineMs?: number };
  /**
   * Tells the prediction log about this call (request id, inputs, and outputs
   * once known); `observed` adds model, version, latency and status and logs it,
   * on failure too. Calls that never note are not logged.
   */
  note(facts: Partial<CallFacts>): void;
}

/** What a route knows of a call that the prediction log records. */
export type CallFacts = NotedFacts;

/**
 * A route `onRequest` hook that sheds load before the body is read: under
 * overload a 503 then costs no body parsing, which is what keeps rejections fast.
 */
export function shedEarly(ctx: ServerContext, protocol: string): (req: FastifyRequest<{ Params: { name: string } }>) => Promise<void> {
  return async (req) => {
    if (!ctx.repository.has(req.params.name)) return; // the handler answers MODEL_NOT_FOUND
    const host = ctx.repository.get(req.params.name);
    try {
      host.checkAdmission();
    } catch (err) {
      ctx.metrics.requestSeries(req.params.name, host.current.version, protocol).count(503);
      throw err;
    }
  };
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
  let facts: Partial<CallFacts> | undefined;
  const call: CallContext = {
    countRows: (rows) => series.inferences.inc(rows),
    deadline: timeoutMs > 0 ? { deadline: arrived + timeoutMs, deadlineMs: timeoutMs } : {},
    // Merged into one object, not spread into a new one: object spread costs microseconds a call on V8.
    note: (more) => (facts = Object.assign(facts ?? {}, more)),
  };
  let status = 200;
  let code = 'ok';
  try {
    return await run(lease, call);
  } catch (err) {
    status = isMlError(err) ? err.status : 500;
    code = isMlError(err) ? err.code : 'INTERNAL';
    throw err;
  } finally {
    lease.release();
    const latencyMs = performance.now() - arrived;
    series.latency.observe(latencyMs / 1000);
    series.count(status);
    if (facts?.requestId !== undefined && ctx.predictionLog) ctx.predictionLog.logCall(facts as CallFacts, modelName, lease.model.version, latencyMs, code);
  }
}
