import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { LatencySummary } from '../../bench/load-protocol.js';
import type { ClosedMeasurement, Outcome } from '../../bench/measurements.js';
import { redisUnreachable, type CacheCounts } from '../../bench/service-graph-probes.js';
import { serviceGraphTargets } from '../../bench/service-graph-targets.js';

function latency(p50Us: number): LatencySummary {
  return { count: 1000, p50Us, p90Us: p50Us, p99Us: p50Us * 2, maxUs: p50Us * 3, meanUs: p50Us };
}

function figure(p50Us: number, cache?: CacheCounts): ClosedMeasurement {
  return {
    kind: 'closed',
    concurrency: 1,
    rowsPerRequest: 1,
    serverFlags: [],
    result: { kind: 'closed', durationS: 1, responses: 1000, reqPerS: 1000, statusCounts: { 200: 1000 }, ok: latency(p50Us), networkErrors: 0, non2xx: 0 },
    repeatsReqPerS: [1000],
    meanBatchRows: null,
    ...(cache ? { cache } : {}),
  };
}

function closed(p50Us: number, cache?: CacheCounts): Outcome {
  return { status: 'ok', measurement: figure(p50Us, cache), foreignCpuCores: 0 };
}

/** An interleaved group step's outcome: member ids are `group/member`; slices default to the one p50. */
function group(members: Readonly<Record<string, ClosedMeasurement>>, slices: Readonly<Record<string, number[]>> = {}): Outcome {
  const list = Object.entries(members).map(([id, measurement]) => ({ id, title: id, measurement, sliceP50sUs: slices[id] ?? [measurement.result.ok.p50Us] }));
  return { status: 'ok', measurement: { kind: 'group', members: list }, foreignCpuCores: 0 };
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
    const branches = { 'graph-fan-out/fan-a': figure(100), 'graph-fan-out/fan-b': figure(300), 'graph-fan-out/fan-c': figure(200) };
    const slow = new Map([['graph-fan-out', group({ ...branches, 'graph-fan-out/parallel': figure(1400) })]]);
    expect(target(slow, 'graph-fan-out-added')).toMatchObject({ value: 1100, pass: false });
    const fast = new Map([['graph-fan-out', group({ ...branches, 'graph-fan-out/parallel': figure(1200) })]]);
    expect(target(fast, 'graph-fan-out-added')).toMatchObject({ value: 900, pass: true });
  });

  it('takes the difference round by round, so a change of the machine between slices does not land on one side', () => {
    // Round 1 caught the branches in a slow moment, round 0 the fan-out: the overall p50s differ by 130 µs, each round by 50.
    const slices = {
      'graph-fan-out/fan-a': [100, 180, 100],
      'graph-fan-out/fan-b': [100, 180, 100],
      'graph-fan-out/fan-c': [100, 180, 100],
      'graph-fan-out/parallel': [230, 230, 150],
    };
    const members = Object.fromEntries(Object.entries(slices).map(([id, p50s]) => [id, figure([...p50s].sort((x, y) => x - y)[1] ?? 0)]));
    const verdict = target(new Map([['graph-fan-out', group(members, slices)]]), 'graph-fan-out-added');
    expect(verdict).toMatchObject({ value: 50, pass: true });
    expect(verdict?.note).toContain('difference 130 µs');
  });

  it('charges the pipeline with its p50 over the two steps alone, and the net figure adds one round trip back', () => {
    const steps = { 'graph-pipeline/step-a': figure(90), 'graph-pipeline/step-b': figure(80), 'graph-pipeline/a-then-b': figure(200) };
    const outcomes = new Map([['graph-pipeline', group({ ...steps, 'graph-pipeline/noop': figure(40) })]]);
    expect(target(outcomes, 'graph-pipeline-added')).toMatchObject({ value: 30, pass: true });
    expect(target(outcomes, 'graph-pipeline-added-net')).toMatchObject({ value: 70, pass: true });
    outcomes.set('graph-pipeline', group({ ...steps, 'graph-pipeline/noop': figure(80) }));
    expect(target(outcomes, 'graph-pipeline-added-net')).toMatchObject({ value: 110, pass: false });
  });

  it('is n/a, not a figure, when a step it needs had requests answered with errors', () => {
    const ok = figure(40);
    const failing: ClosedMeasurement = { ...ok, result: { ...ok.result, non2xx: 5, statusCounts: { 200: 995, 500: 5 } } };
    const outcomes = new Map([
      [
        'graph-pipeline',
        group({ 'graph-pipeline/step-a': figure(90), 'graph-pipeline/step-b': figure(80), 'graph-pipeline/a-then-b': figure(200), 'graph-pipeline/noop': failing }),
      ],
    ]);
    const verdict = target(outcomes, 'graph-pipeline-added-net');
    expect(verdict?.pass).toBeNull();
    expect(verdict?.note).toContain('graph-pipeline/noop: 5 requests not answered 2xx');
    expect(target(outcomes, 'graph-pipeline-added')?.pass).toBe(true);
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
