import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { LatencySummary } from '../../bench/load-protocol.js';
import type { ClosedMeasurement, Outcome } from '../../bench/measurements.js';
import { redisUnreachable, type CacheCounts } from '../../bench/service-graph-probes.js';
import { serviceGraphTargets } from '../../bench/service-graph-targets.js';

function latency(p50Us: number): LatencySummary {
  return { count: 1000, p50Us, p90Us: p50Us, p99Us: p50Us * 2, maxUs: p50Us * 3, meanUs: p50Us };
}

function closed(p50Us: number, cache?: CacheCounts): Outcome {
  const measurement: ClosedMeasurement = {
    kind: 'closed',
    concurrency: 1,
    rowsPerRequest: 1,
    serverFlags: [],
    result: { kind: 'closed', durationS: 1, responses: 1000, reqPerS: 1000, statusCounts: { 200: 1000 }, ok: latency(p50Us), networkErrors: 0, non2xx: 0 },
    repeatsReqPerS: [1000],
    meanBatchRows: null,
    ...(cache ? { cache } : {}),
  };
  return { status: 'ok', measurement, foreignCpuCores: 0 };
}

const target = (outcomes: Map<string, Outcome>, id: string) => serviceGraphTargets(outcomes).find((t) => t.id === id);

describe('service-graph targets', () => {
  it('passes a cache hit p50 under the limit only when the server counted every request as a hit', () => {
    const hits = new Map([['graph-cache-memory', closed(250, { hit: 1100, miss: 1, error: 0 })]]);
    expect(target(hits, 'graph-cache-memory-p50')).toMatchObject({ pass: true, value: 0.25 });

    const misses = new Map([['graph-cache-memory', closed(250, { hit: 0, miss: 1100, error: 0 })]]);
    const verdict = target(misses, 'graph-cache-memory-p50');
    expect(verdict?.pass).toBe(false);
    expect(verdict?.note).toContain('not measuring hits');

    const failingOpen = new Map([['graph-cache-memory', closed(250, { hit: 1100, miss: 0, error: 3 })]]);
    expect(target(failingOpen, 'graph-cache-memory-p50')?.pass).toBe(false);
  });

  it('fails a cache hit p50 over the limit', () => {
    const slow = new Map([['graph-cache-redis', closed(1200, { hit: 1100, miss: 0, error: 0 })]]);
    expect(target(slow, 'graph-cache-redis-p50')).toMatchObject({ pass: false, measured: '1.20 ms' });
  });

  it('reports a skipped Redis step as SKIPPED with its reason, not as a pass', () => {
    const skipped = new Map<string, Outcome>([['graph-cache-redis', { status: 'skipped', reason: 'Redis is not reachable at 127.0.0.1:6379 (ECONNREFUSED)' }]]);
    const verdict = target(skipped, 'graph-cache-redis-p50');
    expect(verdict).toMatchObject({ pass: null, skipped: true, measured: 'skipped' });
    expect(verdict?.note).toContain('ECONNREFUSED');
  });

  it('compares the fan-out with its slowest branch', () => {
    const outcomes = new Map([
      ['graph-branch-fan-a', closed(100)],
      ['graph-branch-fan-b', closed(300)],
      ['graph-branch-fan-c', closed(200)],
      ['graph-fan-out', closed(1400)],
    ]);
    expect(target(outcomes, 'graph-fan-out-added')).toMatchObject({ value: 1100, pass: false });
    outcomes.set('graph-fan-out', closed(1200));
    expect(target(outcomes, 'graph-fan-out-added')).toMatchObject({ value: 900, pass: true });
  });

  it('charges the pipeline with its p50 over the two steps alone, and the net figure adds one round trip back', () => {
    const outcomes = new Map([
      ['graph-step-a', closed(90)],
      ['graph-step-b', closed(80)],
      ['graph-pipeline', closed(200)],
      ['graph-noop', closed(40)],
    ]);
    expect(target(outcomes, 'graph-pipeline-added')).toMatchObject({ value: 30, pass: true });
    expect(target(outcomes, 'graph-pipeline-added-net')).toMatchObject({ value: 70, pass: true });
    outcomes.set('graph-noop', closed(80));
    expect(target(outcomes, 'graph-pipeline-added-net')).toMatchObject({ value: 110, pass: false });
  });

  it('is n/a, not a figure, when a step it needs had requests answered with errors', () => {
    const broken = closed(40);
    if (broken.status !== 'ok' || broken.measurement.kind !== 'closed') throw new Error('fixture');
    const failing: Outcome = { ...broken, measurement: { ...broken.measurement, result: { ...broken.measurement.result, non2xx: 5, statusCounts: { 200: 995, 500: 5 } } } };
    const outcomes = new Map([
      ['graph-step-a', closed(90)],
      ['graph-step-b', closed(80)],
      ['graph-pipeline', closed(200)],
      ['graph-noop', failing],
    ]);
    const verdict = target(outcomes, 'graph-pipeline-added-net');
    expect(verdict?.pass).toBeNull();
    expect(verdict?.note).toContain('graph-noop: 5 requests not answered 2xx');
  });

  it('is n/a, not a pass, when a step it needs did not run', () => {
    const verdicts = serviceGraphTargets(new Map());
    expect(verdicts.map((t) => t.pass)).toEqual([null, null, null, null, null]);
    expect(verdicts.every((t) => t.skipped !== true)).toBe(true);
  });
});

describe('redisUnreachable', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  const listen = (onData: (socket: Socket) => void): Promise<number> =>
    new Promise((resolve) => {
      server = createServer((socket) => socket.once('data', () => onData(socket)));
      server.listen(0, '127.0.0.1', () => {
        const address = server?.address();
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });

  it('is null when the server answers PING with +PONG', async () => {
    const port = await listen((socket) => socket.end('+PONG\r\n'));
    expect(await redisUnreachable('127.0.0.1', port)).toBeNull();
  });

  it('gives the reason when the answer is not PONG, or nothing listens', async () => {
    const port = await listen((socket) => socket.end('-NOAUTH Authentication required.\r\n'));
    expect(await redisUnreachable('127.0.0.1', port)).toContain('NOAUTH');
    server?.close();
    server = undefined;
    expect(await redisUnreachable('127.0.0.1', port)).toMatch(/not reachable .*ECONNREFUSED/);
  });
});
