import { request } from 'undici';
import type { JobView } from './job-view.js';

export interface CallbackOptions {
  /** Deliveries tried at most (the first included). @default 5 */
  readonly attempts?: number;
  /** Wait before the 2nd try; doubles after each. @default 500 */
  readonly backoffMs?: number;
  /** Per-try limit for the answer's headers and body, ms. @default 5000 */
  readonly timeoutMs?: number;
  /** Told each failed try (logs); the last one says `willRetry: false`. */
  readonly onFailure?: (failure: { readonly url: string; readonly attempt: number; readonly reason: string; readonly willRetry: boolean }) => void;
  /** Aborts waiting for the next try (the worker is closing). */
  readonly signal?: AbortSignal;
}

/**
 * POSTs a finished job to its `callback_url`: any 2xx answer is a delivery;
 * anything else (a 5xx, a refused connection, a timeout) is tried again after
 * an exponential backoff. Never throws: a callback that cannot be delivered is
 * reported through `onFailure` and changes nothing about the job.
 */
export async function deliverCallback(url: string, job: JobView, options: CallbackOptions = {}): Promise<boolean> {
  const attempts = options.attempts ?? 5;
  const backoffMs = options.backoffMs ?? 500;
  const timeoutMs = options.timeoutMs ?? 5000;
  const body = JSON.stringify(job);
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let reason: string;
    try {
      const res = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-mlpatterns-job-id': job.job_id },
        body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      await res.body.dump();
      if (res.statusCode >= 200 && res.statusCode < 300) return true;
      reason = `HTTP ${res.statusCode}`;
    } catch (err) {
      reason = err instanceof Error ? err.message : String(err);
    }
    const willRetry = attempt < attempts && !options.signal?.aborted;
    options.onFailure?.({ url, attempt, reason, willRetry });
    if (!willRetry) return false;
    await pause(backoffMs * 2 ** (attempt - 1), options.signal);
  }
  return false;
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
