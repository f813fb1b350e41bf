import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, type Dispatcher } from 'undici';
import { microsHistogram, recordMs, summarize } from './histogram.js';
import type { OpenLoopJob, OpenLoopResult } from './load-protocol.js';

/** Whether a 503 follows the overload contract: code OVERLOADED and a Retry-After header. */
function wellFormedRejection(body: string, retryAfter: string | string[] | undefined): boolean {
  if (retryAfter === undefined) return false;
  try {
    const parsed = JSON.parse(body) as { code?: unknown; error?: { code?: unknown } };
    return parsed.code === 'OVERLOADED' || parsed.error?.code === 'OVERLOADED';
  } catch {
    return false;
  }
}

/**
 * A constant-rate generator on undici: request i is due at start + i/rate and
 * leaves then, whether or not earlier ones were answered. Timers fire about
 * once a millisecond, so requests leave in small bursts of what fell due; each
 * latency is taken from the moment it actually left (the scheduling lag is
 * reported apart, to show whether this process kept up with the rate).
 */
export async function runOpenLoop(job: OpenLoopJob): Promise<OpenLoopResult> {
  const pool = new Pool(job.url, {
    connections: job.connections,
    pipelining: 1,
    headersTimeout: 60_000,
    bodyTimeout: 60_000,
    keepAliveTimeout: 60_000,
  });
  const { method, path, headers } = job.request;
  const requestBody =
    job.request.body === undefined
      ? undefined
      : Buffer.from(job.request.body, job.request.bodyEncoding === 'base64' ? 'base64' : 'utf8');
  const accepted = microsHistogram();
  const rejected = microsHistogram();
  const other = microsHistogram();
  const sendLag = microsHistogram();
  const statusCounts: Record<string, number> = {};
  let rejectedWellFormed = 0;
  let networkErrors = 0;
  let outstanding = 0;
  let peakOutstanding = 0;
  let lastAnswerAt = 0;
  let closing = false;

  // Open every socket first, so connection set-up is not charged to the first requests.
  await Promise.all(
    Array.from({ length: job.connections }, () =>
      pool.request({ method: 'GET', path: '/v2/health/live' }).then((r) => r.body.dump()),
    ),
  );

  const record = (status: number, sentAt: number, body: string, retryAfter: unknown): void => {
    lastAnswerAt = performance.now();
    statusCounts[status] = (statusCounts[status] ?? 0) + 1;
    if (status >= 200 && status < 300) recordMs(accepted, lastAnswerAt - sentAt);
    else if (status === 503) {
      recordMs(rejected, lastAnswerAt - sentAt);
      if (wellFormedRejection(body, retryAfter as string | string[] | undefined)) rejectedWellFormed++;
    } else recordMs(other, lastAnswerAt - sentAt);
  };

  // undici's dispatch() with a handler, not request(): no body stream and no promise per request, which
  // keeps the generator's CPU per request small, since it shares the cores with the server it loads.
  const fire = (dueAt: number): void => {
    const sentAt = performance.now();
    recordMs(sendLag, sentAt - dueAt);
    outstanding++;
    if (outstanding > peakOutstanding) peakOutstanding = outstanding;
    let status = 0;
    let retryAfter: unknown;
    let body = '';
    const handler: Dispatcher.DispatchHandler = {
      // undici tells new-style handlers (these callbacks) from legacy ones by this method's presence.
      onRequestStart() {},
      onResponseStart(_controller, statusCode, headers) {
        status = statusCode;
        retryAfter = headers['retry-after'];
      },
      onResponseData(_controller, chunk) {
        // Only a rejection's body is read (to check its code); others are counted, not kept.
        if (status === 503) body += chunk.toString('utf8');
      },
      onResponseEnd() {
        outstanding--;
        record(status, sentAt, body, retryAfter);
      },
      onResponseError() {
        outstanding--;
        // Requests cut off by the final destroy are counted as unanswered, not as errors.
        if (!closing) networkErrors++;
      },
    };
    pool.dispatch({ method, path, headers, ...(requestBody !== undefined ? { body: requestBody } : {}) }, handler);
  };

  const total = Math.max(1, Math.round(job.ratePerS * job.durationS));
  const intervalMs = 1000 / job.ratePerS;
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const now = performance.now();
    const due = Math.min(total, Math.floor((now - start) / intervalMs) + 1);
    for (; sent < due; sent++) fire(start + sent * intervalMs);
    // Sleep until the next request is due; Node's timers round this up to ~1 ms.
    if (sent < total) await sleep(Math.max(0, start + sent * intervalMs - performance.now()));
  }
  const sendingS = (performance.now() - start) / 1000;

  const drainUntil = performance.now() + job.drainS * 1000;
  while (outstanding > 0 && performance.now() < drainUntil) await sleep(5);
  const cpu = process.cpuUsage(cpuBefore);
  const unanswered = outstanding;
  closing = true;
  await pool.destroy();

  return {
    kind: 'open',
    durationS: sendingS,
    sent,
    sentPerS: sent / sendingS,
    statusCounts,
    accepted: summarize(accepted),
    rejected: summarize(rejected),
    rejectedWellFormed,
    other: summarize(other),
    networkErrors,
    unanswered,
    answeredS: (Math.max(lastAnswerAt, start) - start) / 1000,
    peakOutstanding,
    clientCpuUsPerRequest: (cpu.user + cpu.system) / Math.max(1, sent),
    sendLag: summarize(sendLag),
  };
}
