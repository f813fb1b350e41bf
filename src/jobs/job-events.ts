import { toMlError } from '../errors/ml-error.js';
import { FINAL_STATUSES, type JobView } from './job-view.js';

export interface JobEventsOptions {
  /** Reads the job now; undefined once it is gone (expired). */
  readonly read: () => Promise<JobView | undefined>;
  /** Writes raw Server-Sent Events text; false when the socket is gone. */
  readonly write: (chunk: string) => boolean;
  /** Stops the stream (client disconnected, server draining). */
  readonly signal: AbortSignal;
  /** How often the job is read, ms. @default 200 */
  readonly pollMs?: number;
  /** A comment line this often keeps proxies from closing an idle stream, ms. @default 15000 */
  readonly heartbeatMs?: number;
  /** Checked at every poll: true ends the stream (the server is shutting down). */
  readonly stop?: () => boolean;
}

/**
 * Streams a job's status changes as Server-Sent Events: `event: status` with
 * the job's JSON whenever it changes (status, attempts, timings, error), first
 * at once. Resolves when the job reaches a final status (succeeded, failed,
 * cancelled), disappears, the stream is aborted, or the server stops. The
 * queue is polled (every adapter can be read; not every one can push).
 */
export async function streamJobEvents(first: JobView, options: JobEventsOptions): Promise<void> {
  const pollMs = options.pollMs ?? 200;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  let last = '';
  let lastWrite = Date.now();
  const send = (chunk: string): boolean => {
    lastWrite = Date.now();
    return options.write(chunk);
  };
  let job: JobView | undefined = first;
  for (;;) {
    if (job === undefined) return;
    const json = JSON.stringify(job);
    if (json !== last) {
      last = json;
      if (!send(`event: status\ndata: ${json}\n\n`)) return;
    }
    if (FINAL_STATUSES.has(job.status)) return;
    await pause(pollMs, options.signal);
    if (options.signal.aborted || options.stop?.()) return;
    if (Date.now() - lastWrite >= heartbeatMs && !send(': heartbeat\n\n')) return;
    try {
      job = await options.read();
    } catch (err) {
      const error = toMlError(err);
      send(`event: error\ndata: ${JSON.stringify(error.toJSON())}\n\n`);
      return;
    }
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
