import { ERROR_CODES } from '../errors/codes.js';
import { isMlError } from '../errors/ml-error.js';
import type { QueueJobError } from '../ports/job-queue.js';

/**
 * What a failed attempt records, and whether another attempt may help. Shared
 * by the JobQueue adapters so that they classify errors the same way.
 */
export interface AttemptFailure {
  readonly error: QueueJobError;
  /** False for `retryable: false` errors and MlErrors with a 4xx status (the input is wrong). */
  readonly retryable: boolean;
}

export function describeFailure(err: unknown): AttemptFailure {
  const explicit = (err as { retryable?: unknown } | null)?.retryable;
  if (isMlError(err)) {
    const clientError = err.status >= 400 && err.status < 500;
    return { error: { code: err.code, message: err.message }, retryable: explicit === false ? false : !clientError };
  }
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  // A registered code (thrown by a plain Error that carries one) is kept; anything else gets a generic one.
  const known = typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
  return {
    error: known ? { code, message } : { code: 'JOB_HANDLER_FAILED', message: `Job handler failed: ${message}` },
    retryable: explicit !== false,
  };
}

/** Delay before attempt `failedAttempt + 1`: `backoffMs · 2^(failedAttempt-1)`. */
export function backoffDelay(backoffMs: number, failedAttempt: number): number {
  return backoffMs * 2 ** Math.max(0, failedAttempt - 1);
}
