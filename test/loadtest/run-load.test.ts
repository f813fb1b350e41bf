import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { planFromFlags } from '../../src/loadtest/options.js';
import { buildReport } from '../../src/loadtest/report.js';
import { runLoad } from '../../src/loadtest/run-load.js';
import { closedPort, startHttpTarget, type HttpTarget } from './http-target.js';

let target: HttpTarget | undefined;
afterEach(async () => {
  await target?.close();
  target = undefined;
});

const ok = (res: ServerResponse): void => {
  res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
};

describe('runLoad: open-loop constant rate against a real HTTP server', () => {
  it('sends 200/s for 1 s: 200 requests, spread evenly over the second, all answered', async () => {
    target = await startHttpTarget((_req, res) => ok(res));
    const plan = planFromFlags(`${target.url}/score`, { rate: '200', duration: '1s' });
    const result = await runLoad(plan);
    const report = buildReport(plan, result);

    expect(report.requests).toMatchObject({ sent: 200, answered: 200, ok: 200, failed: 0 });
    expect(target.arrivals).toHaveLength(200);
    expect(report.rate.achievedPerS).toBeGreaterThan(170);
    expect(report.rate.achievedPerS).toBeLessThan(230);
    // Constant rate, not a burst: each quarter of the second holds about a quarter of the requests.
    const first = target.arrivals[0]!;
    const quarters = [0, 0, 0, 0];
    for (const at of target.arrivals) quarters[Math.min(3, Math.floor((at - first) / 250))]! += 1;
    for (const n of quarters) expect(n).toBeGreaterThanOrEqual(25);
    for (const n of quarters) expect(n).toBeLessThanOrEqual(75);
    expect(report.successRatio).toBe(1);
    expect(report.statusCodes).toEqual({ '200': 200 });
  });

  it('counts status codes of a mix of 200 and 503 answers; success ratio counts only 2xx', async () => {
    target = await startHttpTarget((_req, res, index) => {
      if (index % 4 === 3) res.writeHead(503, { 'retry-after': '1' }).end('{"code":"OVERLOADED"}');
      else ok(res);
    });
    const plan = planFromFlags(target.url, { rate: '200', duration: '500ms', data: '{"instances":[[1,2,3,4]]}' });
    expect(plan.method).toBe('POST');
    const report = buildReport(plan, await runLoad(plan));

    expect(report.statusCodes).toEqual({ '200': 75, '503': 25 });
    expect(report.requests).toMatchObject({ sent: 100, answered: 100, ok: 75, failed: 25 });
    expect(report.successRatio).toBe(0.75);
    expect(report.errors).toEqual({});
  });

  it('latency percentiles reflect a server delay', async () => {
    target = await startHttpTarget((_req, res) => setTimeout(() => ok(res), 40));
    const plan = planFromFlags(target.url, { rate: '100', duration: '500ms' });
    const report = buildReport(plan, await runLoad(plan));

    expect(report.requests.answered).toBe(50);
    expect(report.latencyMs.min).toBeGreaterThanOrEqual(39);
    expect(report.latencyMs.p50).toBeGreaterThanOrEqual(40);
    expect(report.latencyMs.p50).toBeLessThan(200);
    expect(report.latencyMs.p99).toBeGreaterThanOrEqual(report.latencyMs.p50);
    expect(report.latencyMs.max).toBeGreaterThanOrEqual(report.latencyMs.p99);
  });

  it('keeps the schedule when the server is slow: requests wait for a connection and that wait is in their latency', async () => {
    // 2 connections × 100 ms answers carry 20/s; 50/s are offered for 400 ms (20 requests).
    target = await startHttpTarget((_req, res) => setTimeout(() => ok(res), 100));
    const plan = planFromFlags(target.url, { rate: '50', duration: '400ms', connections: '2' });
    const started = performance.now();
    const report = buildReport(plan, await runLoad(plan));

    expect(report.requests.sent).toBe(20);
    expect(report.requests.ok).toBe(20);
    // A closed-loop client would have sent only ~8 in 400 ms and measured ~100 ms each.
    expect(report.requests.waitedForConnection).toBeGreaterThanOrEqual(15);
    expect(report.rate.achievedPerS).toBeGreaterThan(40);
    // The last request is due at 380 ms and answered after the 20th 100 ms slot (~1 s): ~600 ms from its due time.
    expect(report.latencyMs.max).toBeGreaterThan(450);
    expect(report.latencyMs.min).toBeGreaterThanOrEqual(99);
    expect(performance.now() - started).toBeGreaterThan(900);
  });

  it('counts requests the server never answers as timeouts, and finishes within the deadline', async () => {
    target = await startHttpTarget((req, res) => {
      if (req.url === '/hang') return; // never answers
      ok(res);
    });
    const plan = planFromFlags(`${target.url}/hang`, { rate: '40', duration: '250ms', timeoutMs: '150' });
    const started = performance.now();
    const report = buildReport(plan, await runLoad(plan));

    expect(report.requests).toMatchObject({ sent: 10, answered: 0, ok: 0, failed: 10 });
    expect(report.errors).toEqual({ timeout: 10 });
    expect(report.successRatio).toBe(0);
    expect(report.latencyMs.p99).toBe(0);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('counts refused connections by kind', async () => {
    const port = await closedPort();
    const plan = planFromFlags(`http://127.0.0.1:${port}/`, { rate: '20', duration: '250ms' });
    const report = buildReport(plan, await runLoad(plan));

    expect(report.requests.sent).toBe(5);
    expect(report.errors).toEqual({ connection_refused: 5 });
    expect(report.successRatio).toBe(0);
  });

  it('stops scheduling on the stop signal and reports what was sent', async () => {
    target = await startHttpTarget((_req, res) => ok(res));
    const plan = planFromFlags(target.url, { rate: '100', duration: '30s' });
    const stop = new AbortController();
    const result = await runLoad(plan, {
      stop: stop.signal,
      onProgress: (p) => {
        if (p.sent >= 50) stop.abort();
      },
    });
    expect(result.stoppedEarly).toBe(true);
    expect(result.sent).toBeGreaterThanOrEqual(90);
    expect(result.sent).toBeLessThan(200);
    expect(result.answered).toBe(result.sent);
  });
});
