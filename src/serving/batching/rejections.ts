import { MlError } from '../../errors/ml-error.js';

/** The errors a batcher answers with when it refuses a request (not when the model fails). */

/** 503 with Retry-After: the queue is bounded so that latency stays bounded under overload. */
export function queueFull(name: string): MlError {
  return new MlError('OVERLOADED', { name, reason: 'queue full', retryAfter: 1 });
}

/** 503 after close(): another version or replica is expected to take the request. */
export function closed(name: string): MlError {
  return new MlError('OVERLOADED', { name, reason: 'closed', retryAfter: 1 });
}

/** 504: the request never started; it is better refused than answered too late. */
export function deadlineExceeded(name: string, deadlineMs: number): MlError {
  return new MlError('DEADLINE_EXCEEDED', { name, deadlineMs, stage: 'queued' });
}
