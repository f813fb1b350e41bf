import { setTimeout as sleep } from 'node:timers/promises';
import { microsHistogram, recordMs, summarize } from './histogram.js';
import { HttpConnection, requestBytes, type Completion } from './http-connection.js';
import type { OpenLoopJob, OpenLoopResult } from './load-protocol.js';

/** Whether a 503 follows the overload contract: code OVERLOADED and a Retry-After header. */
function wellFormedRejection(body: string, retryAfter: boolean): boolean {
  if (!retryAfter) return false;
  try {
    const parsed = JSON.parse(body) as { code?: unknown; error?: { code?: unknown } };
    return parsed.code === 'OVERLOADED' || parsed.error?.code === 'OVERLOADED';
  } catch {
    return false;
  }
}

/** Opens the sockets a few dozen at a time: a thousand SYNs at once overflow the listen backlog (1 s retries). */
async function openConnections(url: URL, count: number, done: Completion): Promise<HttpConnection[]> {
  const port = Number(url.port);
  const opened: HttpConnection[] = [];
  while (opened.length < count) {
    const batch = Math.min(64, count - opened.length);
    const settled = await Promise.allSettled(Array.from({ length: batch }, () => HttpConnection.open(port, url.hostname, done)));
    for (const s of settled) if (s.status === 'fulfilled') opened.push(s.value);
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed !== undefined) {
      // The worker process runs later jobs too: leave it no sockets.
      for (const conn of opened) conn.close();
      throw new Error(`could not open ${count} connections to ${url.host}: ${String(failed.reason)}`);
    }
  }
  return opened;
}

/**
 * A constant-rate generator over `connections` raw keep-alive sockets:
 * request i is due at start + i/rate and is written then on a free socket,
 * whether or not earlier ones were answered. Timers fire about once a
 * millisecond, so requests leave in small bursts of what fell due.
 *
 * A request due while every socket carries one is not sent, and is counted as
 * unsent. Queueing it in the client instead would hold it where the server
 * cannot see it: the earlier version of this generator did, and its requests
 * waited seconds in its own queue (71,187 at once) on the 2 shared cores.
 * With every socket busy the server already holds `connections` requests,
 * far more than it admits, so the overload it sees is not reduced.
 *
 * Latency is taken from the moment a request is written to its socket (as
 * autocannon does for the capacity run), and also from when it was due; the
 * two differ only by the timer lag, which is reported apart.
 */
export async function runOpenLoop(job: OpenLoopJob): Promise<OpenLoopResult> {
  const url = new URL(job.url);
  const bytes = requestBytes(job.request, url.host);
  const fromSend = { accepted: microsHistogram(), rejected: microsHistogram(), other: microsHistogram() };
  const fromDue = { accepted: microsHistogram(), rejected: microsHistogram() };
  const sendLag = microsHistogram();
  const statusCounts: Record<string, number> = {};
  let rejectedWellFormed = 0;
  let networkErrors = 0;
  let outstanding = 0;
  let lastAnswerAt = 0;
  let closing = false;
  const free: HttpConnection[] = [];

  const done: Completion = (conn, outcome, sentAt, dueAt) => {
    outstanding--;
    if (conn.usable) free.push(conn);
    if (outcome instanceof Error) {
      // Requests cut off by the final close are counted as unanswered, not as errors.
      if (!closing) networkErrors++;
      return;
    }
    lastAnswerAt = performance.now();
    const { status } = outcome;
    statusCounts[status] = (statusCounts[status] ?? 0) + 1;
    if (status >= 200 && status < 300) {
      recordMs(fromSend.accepted, lastAnswerAt - sentAt);
      recordMs(fromDue.accepted, lastAnswerAt - dueAt);
    } else if (status === 503) {
      recordMs(fromSend.rejected, lastAnswerAt - sentAt);
      recordMs(fromDue.rejected, lastAnswerAt - dueAt);
      if (wellFormedRejection(outcome.body, outcome.retryAfter)) rejectedWellFormed++;
    } else recordMs(fromSend.other, lastAnswerAt - sentAt);
  };

  const connections = await openConnections(url, job.connections, done);
  free.push(...connections);

  const total = Math.max(1, Math.round(job.ratePerS * job.durationS));
  const intervalMs = 1000 / job.ratePerS;
  let scheduled = 0;
  let sent = 0;
  let peakOutstanding = 0;
  // Requests on the wire, sampled once per timer tick: the overload the server actually holds.
  let outstandingSum = 0;
  let ticks = 0;
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  while (scheduled < total) {
    const now = performance.now();
    const due = Math.min(total, Math.floor((now - start) / intervalMs) + 1);
    for (; scheduled < due; scheduled++) {
      let conn = free.pop();
      while (conn !== undefined && !conn.usable) conn = free.pop();
      if (conn === undefined) continue;
      const dueAt = start + scheduled * intervalMs;
      conn.send(bytes, dueAt);
      recordMs(sendLag, performance.now() - dueAt);
      sent++;
      outstanding++;
    }
    if (outstanding > peakOutstanding) peakOutstanding = outstanding;
    outstandingSum += outstanding;
    ticks++;
    // Sleep until the next request is due; Node's timers round this up to ~1 ms.
    if (scheduled < total) await sleep(Math.max(0, start + scheduled * intervalMs - performance.now()));
  }
  const sendingS = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);

  const drainUntil = performance.now() + job.drainS * 1000;
  while (outstanding > 0 && performance.now() < drainUntil) await sleep(5);
  const unanswered = outstanding;
  const lostConnections = connections.filter((c) => !c.usable).length;
  closing = true;
  for (const conn of connections) conn.close();

  return {
    kind: 'open',
    durationS: sendingS,
    scheduled,
    scheduledPerS: scheduled / sendingS,
    sent,
    sentPerS: sent / sendingS,
    unsent: scheduled - sent,
    statusCounts,
    accepted: summarize(fromSend.accepted),
    rejected: summarize(fromSend.rejected),
    acceptedFromDue: summarize(fromDue.accepted),
    rejectedFromDue: summarize(fromDue.rejected),
    rejectedWellFormed,
    other: summarize(fromSend.other),
    networkErrors,
    lostConnections,
    unanswered,
    answeredS: (Math.max(lastAnswerAt, start) - start) / 1000,
    peakOutstanding,
    meanOutstanding: outstandingSum / Math.max(1, ticks),
    clientCpuUsPerRequest: (cpu.user + cpu.system) / Math.max(1, sent),
    clientCores: (cpu.user + cpu.system) / 1e6 / sendingS,
    sendLag: summarize(sendLag),
  };
}
