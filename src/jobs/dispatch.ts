import { MlError, toMlError } from '../errors/ml-error.js';
import type { JobContext, JobHandler } from '../ports/job-queue.js';
import { JOB_HANDLERS, type WorkerDeps } from './handlers.js';

export interface DispatchOptions {
  /** An attempt running longer fails with JOB_TIMEOUT (a retryable failure). @default none */
  readonly timeoutMs?: number | undefined;
}

/**
 * The handler a worker gives the queue: runs the registered handler for the
 * job's name (src/jobs/all-handlers.ts) with the worker's models and services.
 * Errors leave as MlErrors, so the job records a stable code; those retrying
 * cannot fix are marked `retryable: false` (see isRetryable).
 */
export function jobDispatcher(deps: WorkerDeps, options: DispatchOptions = {}): JobHandler {
  return async (ctx) => {
    const handler = JOB_HANDLERS.get(ctx.job.name);
    if (!handler) {
      const known = [...JOB_HANDLERS.keys()].join(', ') || 'none';
      throw notRetryable(new MlError('JOB_KIND_UNKNOWN', { id: ctx.job.id, name: ctx.job.name, known }));
    }
    try {
      return await withTimeout(ctx, () => handler(ctx, deps), options.timeoutMs);
    } catch (err) {
      const error = toMlError(err);
      throw isRetryable(error) ? error : notRetryable(error);
    }
  };
}

/**
 * A client error (4xx: the input is wrong, the service is unknown) fails the
 * same way every time; server errors (a model that crashed, a store that was
 * down, a timeout) may pass on a later attempt.
 */
export function isRetryable(err: MlError): boolean {
  return err.status >= 500;
}

function notRetryable(err: MlError): MlError {
  return Object.assign(err, { retryable: false });
}

async function withTimeout<T>(ctx: JobContext, run: () => Promise<T>, timeoutMs: number | undefined): Promise<T> {
  if (timeoutMs === undefined) return run();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new MlError('JOB_TIMEOUT', { id: ctx.job.id, timeoutMs })), timeoutMs);
  });
  try {
    return await Promise.race([run(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
