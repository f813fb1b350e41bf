import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { errorKindOf } from './error-kind.js';
import { LatencyHistogram, type LatencySummary } from './histogram.js';
import type { LoadPlan } from './options.js';

export interface LoadProgress {
  elapsedS: number;
  sent: number;
  ratePerS: number;
  answered: number;
  okRatio: number;
  p99Us: number;
}

export interface LoadResult {
  /** Requests due by the schedule and issued at their due time. */
  sent: number;
  /** Of those, issued while every connection still carried a request: they waited for one (the wait is in their latency). */
  waitedForConnection: number;
  /** Requests answered with an HTTP status, any status. */
  answered: number;
  /** Answers with a 2xx status. */
  ok: number;
  /** sent requests that got no status: by kind (timeout, connection_refused…). */
  errors: Record<string, number>;
  statusCodes: Record<string, number>;
  /** From the first scheduled send to one interval after the last: the window the rate is measured over. */
  sendingS: number;
  /** Until the last answer or error came back. */
  elapsedS: number;
  /** From each request's scheduled send time to the end of its answer; answered requests only. */
  latency: LatencySummary;
  /** Set when a stop signal cut the run short. */
  stoppedEarly: boolean;
}

export interface RunLoadOptions {
  /** Called about once a second while requests are being sent. */
  onProgress?: (progress: LoadProgress) => void;
  /** Stops scheduling (requests in flight still finish): Ctrl-C. */
  stop?: AbortSignal;
}

/**
 * Sends requests at a constant rate, open loop: request i is due at
 * start + i / rate and is issued then whether or not earlier ones have been
 * answered, so a slow server meets the same offered load (no coordinated
 * omission). Latency runs from the due time, not from when a socket took the
 * request, so time spent waiting for a free connection or behind a lagging
 * timer counts against the server, as a real client would feel it.
 */
export async function runLoad(plan: LoadPlan, options: RunLoadOptions = {}): Promise<LoadResult> {
  const pool = new Pool(plan.url.origin, { connections: plan.connections, pipelining: 1, connect: { timeout: plan.timeoutMs } });
  const path = `${plan.url.pathname}${plan.url.search}`;
  const histogram = new LatencyHistogram();
  const statusCodes: Record<string, number> = {};
  const errors: Record<string, number> = {};
  let sent = 0;
  let waitedForConnection = 0;
  let answered = 0;
  let ok = 0;
  let inFlight = 0;
  let lastSettledAt = 0;
  let drained: (() => void) | undefined;

  const send = async (dueAt: number): Promise<void> => {
    if (inFlight >= plan.connections) waitedForConnection++;
    inFlight++;
    sent++;
    // The deadline runs from the due time too, so a request stuck waiting for a socket times out like any other.
    const abort = new AbortController();
    let timedOut = false;
    const timer = setTimeout(
      () => {
        timedOut = true;
        abort.abort();
      },
      Math.max(0, dueAt + plan.timeoutMs - performance.now()),
    );
    try {
      const res = await pool.request({ path, method: plan.method, headers: plan.headers, body: plan.body ?? null, signal: abort.signal });
      await res.body.arrayBuffer();
      histogram.recordMs(performance.now() - dueAt);
      answered++;
      if (res.statusCode >= 200 && res.statusCode < 300) ok++;
      statusCodes[res.statusCode] = (statusCodes[res.statusCode] ?? 0) + 1;
    } catch (err) {
      const kind = errorKindOf(err, timedOut);
      errors[kind] = (errors[kind] ?? 0) + 1;
    } finally {
      clearTimeout(timer);
      lastSettledAt = performance.now();
      inFlight--;
      if (inFlight === 0) drained?.();
    }
  };

  const intervalMs = 1000 / plan.ratePerS;
  const total = Math.max(1, Math.round(plan.durationMs / intervalMs));
  const start = performance.now();
  let scheduled = 0;
  let lastIssuedAt = start;
  let nextProgressAt = start + 1000;
  const progress = (now: number): void => {
    const elapsedS = (now - start) / 1000;
    options.onProgress?.({ elapsedS, sent, ratePerS: sent / elapsedS, answered, okRatio: answered === 0 ? 0 : ok / answered, p99Us: histogram.percentileUs(99) });
  };
  while (scheduled < total && options.stop?.aborted !== true) {
    const now = performance.now();
    const due = Math.min(total, Math.floor((now - start) / intervalMs) + 1);
    if (scheduled < due) lastIssuedAt = now;
    for (; scheduled < due; scheduled++) void send(start + scheduled * intervalMs);
    if (now >= nextProgressAt) {
      progress(now);
      nextProgressAt += 1000;
    }
    // Wake for the next due request or the next progress line, whichever comes first (timers fire ~1 ms late).
    if (scheduled < total) await sleep(Math.max(0, Math.min(start + scheduled * intervalMs, nextProgressAt) - performance.now()));
  }
  // A generator that keeps up issues the last request one interval before the window ends; one that lags, later.
  const sendingS = (lastIssuedAt - start + intervalMs) / 1000;

  // Every request carries its own deadline, so this wait is bounded by --timeout-ms.
  if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
  await pool.close();
  return {
    sent,
    waitedForConnection,
    answered,
    ok,
    errors,
    statusCodes,
    sendingS,
    elapsedS: (Math.max(lastSettledAt, start) - start) / 1000,
    latency: histogram.summary(),
    stoppedEarly: scheduled < total,
  };
}
