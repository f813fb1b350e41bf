import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/app/serve.js';
import { model, service, shadow } from '../../src/services/builders.js';
import type { ModelCall } from '../../src/services/run-context.js';
import { ServiceRepository } from '../../src/services/service-repository.js';
import { agreement, isMirrored } from '../../src/services/shadow.js';
import { problemsOf } from '../helpers/config-problems.js';
import { metricValue, waitForMetric } from '../helpers/metrics.js';
import { postJson, startTestServer } from '../helpers/server.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SUM = path.join(HERE, '../fixtures/sum-model'); // features [-1,-1] -> row sums [-1]
const COUNTING = path.join(HERE, '../fixtures/counting-model'); // row sums, counts rows in globalThis.__mlpRows
const GATED = path.join(HERE, '../fixtures/gated-model'); // x [-1,1] -> 2x, waits on globalThis.__mlpGate
const FAILING = path.join(HERE, '../fixtures/failing-model'); // x [-1,1], always throws

const g = globalThis as { __mlpGate?: Promise<void>; __mlpEntered?: () => void; __mlpRows?: number };
const REQUESTS = 'mlpatterns_shadow_requests_total';
const AGREEMENT = 'mlpatterns_shadow_agreement_total';
type Answer = { predictions: unknown[]; request_id: string; code?: string };

describe('shadow node over HTTP', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer(
      [
        { name: 'sum', path: SUM },
        { name: 'counting', path: COUNTING },
        { name: 'gated', path: GATED },
        { name: 'failing', path: FAILING },
      ],
      {
        services: [
          service('alone', model('sum')),
          service('hanging', shadow(model('sum'), { slow: model('gated') }, { timeoutMs: 60_000 })),
          service('abandoned', shadow(model('sum'), { slow: model('gated') }, { timeoutMs: 50 })),
          service('broken', shadow(model('sum'), { crash: model('failing') })),
          service('twin', shadow(model('sum'), { twin: model('counting') })),
          service('half', shadow(model('sum'), { twin: model('counting') }, { share: 0.5 })),
          service('bounded', shadow(model('sum'), { slow: model('gated') }, { maxConcurrent: 2, timeoutMs: 60_000 })),
        ],
      },
    );
  });
  afterAll(async () => server.close());
  afterEach(() => {
    delete g.__mlpGate;
    delete g.__mlpEntered;
  });
  const call = (name: string, instances: unknown[]) => postJson<Answer>(`${server.url}/v1/services/${name}/predict`, { instances });
  const shadowed = (svc: string, candidate: string, result: string) => ({ service: svc, node: 'graph', candidate, result });

  it('a hanging candidate does not delay the answer, which is the primary’s alone', async () => {
    let open!: () => void;
    g.__mlpGate = new Promise<void>((resolve) => (open = resolve));
    const entered = new Promise<void>((resolve) => (g.__mlpEntered = resolve));
    try {
      // Answered while the candidate is still held at the gate: the answer cannot have waited for it.
      const res = await call('hanging', [[1], [2]]);
      const alone = await call('alone', [[1], [2]]);
      expect(res.status).toBe(200);
      expect(res.body.predictions).toEqual(alone.body.predictions);
      expect(res.body.predictions).toEqual([1, 2]);
      await entered; // the candidate really was called, with the same instances
      expect(await metricValue(server.url, REQUESTS, { service: 'hanging' })).toBe(0);
    } finally {
      open();
    }
    expect(await waitForMetric(server.url, REQUESTS, shadowed('hanging', 'slow', 'ok'), 1)).toBe(1);
    // gated answers 2x ([2], [4]) where the primary answers 1 and 2: no instance agrees.
    expect(await waitForMetric(server.url, AGREEMENT, { service: 'hanging', candidate: 'slow', agree: 'false' }, 2)).toBe(2);
  });

  it('a candidate past its timeout is abandoned and counted', async () => {
    let open!: () => void;
    g.__mlpGate = new Promise<void>((resolve) => (open = resolve));
    try {
      const res = await call('abandoned', [[3]]);
      expect(res.body.predictions).toEqual([3]);
      expect(await waitForMetric(server.url, REQUESTS, shadowed('abandoned', 'slow', 'timeout'), 1)).toBe(1);
    } finally {
      open();
    }
    expect(await metricValue(server.url, REQUESTS, shadowed('abandoned', 'slow', 'ok'))).toBe(0);
  });

  it('a crashing candidate leaves the answer untouched and is counted as an error', async () => {
    const res = await call('broken', [[1], [5]]);
    expect(res.status).toBe(200);
    expect(res.body.predictions).toEqual([1, 5]);
    expect(await waitForMetric(server.url, REQUESTS, shadowed('broken', 'crash', 'error'), 1)).toBe(1);
  });

  it('an agreeing candidate is called and counted as agreeing on every instance', async () => {
    const before = g.__mlpRows ?? 0;
    const res = await call('twin', [[1, 2], [3, 4], [5, 6]]);
    expect(res.body.predictions).toEqual([3, 7, 11]);
    expect(await waitForMetric(server.url, AGREEMENT, { service: 'twin', candidate: 'twin', agree: 'true' }, 3)).toBe(3);
    expect(await metricValue(server.url, AGREEMENT, { service: 'twin', agree: 'false' })).toBe(0);
    expect((g.__mlpRows ?? 0) - before).toBe(3);
  });

  it('share 0.5 mirrors exactly the requests whose id hashes under it (same ids, same requests)', async () => {
    const ids = Array.from({ length: 400 }, (_, i) => `shadow-share-${i}`);
    const want = ids.filter((id) => isMirrored(id, 0.5)).length;
    expect(want).toBeGreaterThan(160); // the hash spreads ids evenly: about half
    expect(want).toBeLessThan(240);
    const before = g.__mlpRows ?? 0;
    for (let at = 0; at < ids.length; at += 25) {
      await Promise.all(
        ids.slice(at, at + 25).map(async (id) => {
          const res = await request(`${server.url}/v1/services/half/predict`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-request-id': id },
            body: JSON.stringify({ instances: [[1]] }),
          });
          const body = (await res.body.json()) as Answer;
          expect(body.request_id).toBe(id);
          expect(body.predictions).toEqual([1]);
        }),
      );
    }
    expect(await waitForMetric(server.url, REQUESTS, shadowed('half', 'twin', 'ok'), want)).toBe(want);
    expect((g.__mlpRows ?? 0) - before).toBe(want);
  });

  it('past maxConcurrent candidate runs, mirrors are skipped and counted', async () => {
    let open!: () => void;
    g.__mlpGate = new Promise<void>((resolve) => (open = resolve));
    try {
      for (let i = 0; i < 3; i++) expect((await call('bounded', [[i]])).body.predictions).toEqual([i]);
      expect(await waitForMetric(server.url, REQUESTS, shadowed('bounded', 'slow', 'skipped'), 1)).toBe(1);
    } finally {
      open();
    }
    expect(await waitForMetric(server.url, REQUESTS, shadowed('bounded', 'slow', 'ok'), 2)).toBe(2);
    // The slots were freed: the next mirror runs.
    await call('bounded', [[9]]);
    expect(await waitForMetric(server.url, REQUESTS, shadowed('bounded', 'slow', 'ok'), 3)).toBe(3);
    expect(await metricValue(server.url, REQUESTS, shadowed('bounded', 'slow', 'skipped'))).toBe(1);
  });
});

describe('shadow node runtime', () => {
  it('candidates get the same instances and request id, under "shadow/<name>/" node paths', async () => {
    const calls: ModelCall[] = [];
    const repo = new ServiceRepository([service('s', shadow(model('a'), { b: model('b') }))]);
    let seen!: () => void;
    const both = new Promise<void>((resolve) => (seen = resolve));
    const runModel = async (c: ModelCall) => {
      calls.push(c);
      if (calls.length === 2) seen();
      return { rows: c.instances.map(() => (c.model === 'a' ? 1 : 2)) };
    };
    try {
      const value = await repo.run('s', [[1], [2]], { requestId: 'rid-1', runModel });
      expect(value.rows).toEqual([1, 1]);
      await both;
      expect(calls.map((c) => [c.model, c.requestId, c.node, c.instances])).toEqual([
        ['a', 'rid-1', 'a', [[1], [2]]],
        ['b', 'rid-1', 'shadow/b/b', [[1], [2]]],
      ]);
    } finally {
      await repo.close();
    }
  });

  it('agreement: labels first, then argmax of score rows, then equal rows', () => {
    expect(agreement({ rows: [1, 2], labels: ['x', 'y'] }, { rows: [9, 9], labels: ['x', 'z'] })).toEqual({ agreed: 1, disagreed: 1 });
    expect(agreement({ rows: [[0.9, 0.1], [0.2, 0.8]] }, { rows: [[0.6, 0.4], [0.7, 0.3]] })).toEqual({ agreed: 1, disagreed: 1 });
    expect(agreement({ rows: [{ a: 1 }, 3] }, { rows: [{ a: 1 }, 3.5] })).toEqual({ agreed: 1, disagreed: 1 });
    expect(agreement({ rows: [1, 2] }, { rows: [1] })).toEqual({ agreed: 1, disagreed: 1 });
  });

  it('share 0 mirrors nothing, 1 everything; a request id always decides the same way', () => {
    expect(isMirrored('x', 0)).toBe(false);
    expect(isMirrored('x', 1)).toBe(true);
    expect(Array.from({ length: 50 }, (_, i) => isMirrored(`r${i}`, 0.3))).toEqual(Array.from({ length: 50 }, (_, i) => isMirrored(`r${i}`, 0.3)));
  });
});

describe('shadow configuration', () => {
  const config = (graph: Record<string, unknown>) => ({
    models: [{ name: 'sum', path: SUM }],
    services: [{ name: 's', graph: { type: 'shadow', primary: { type: 'model', model: 'sum' }, candidates: { b: { type: 'model', model: 'sum' } }, ...graph } }],
  });

  it('a share outside 0..1, no candidate, and a switched-off primary are refused, each named', () => {
    expect(problemsOf(config({ share: 1.5 }))).toContain('services.0.graph.share: share is a fraction from 0 to 1');
    expect(problemsOf(config({ candidates: {} }))).toContain('a shadow node needs at least one candidate');
    expect(problemsOf(config({ primary: { type: 'model', model: 'sum', active: false } }))).toContain('the primary of a shadow node cannot be switched off');
    expect(problemsOf(config({ candidates: { b: { type: 'model', model: 'nope' } } }))).toContain('services.0.graph.candidates.b.model: unknown model "nope"');
  });
});
