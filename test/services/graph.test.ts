import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/app/serve.js';
import { model, parallel, pipeline, service, threshold } from '../../src/services/builders.js';
import { FIXTURES, argmax, expected } from '../helpers/fixtures.js';
import { postJson, startTestServer } from '../helpers/server.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SUM = path.join(HERE, '../fixtures/sum-model'); // features [-1,-1] -> row sums [-1]
const GATED = path.join(HERE, '../fixtures/gated-model'); // x [-1,1] -> 2x, waits on globalThis.__mlpGate
const FAILING = path.join(HERE, '../fixtures/failing-model'); // x [-1,1], always throws

declare global {
  var __mlpGate: Promise<void> | undefined;
}

type Answer = { predictions: unknown[]; partial?: boolean; failed?: Record<string, string>; branch?: string[]; votes?: number[]; code?: string; error?: string };
const ROWS = expected.inputs.slice(0, 150);
const species = (s: string) => expected[`iris_svc_0_${s}` as 'iris_svc_0_setosa'].slice(0, 150);

describe('service graphs over HTTP', () => {
  let server: RunningServer;
  const three = { setosa: model('setosa'), versicolor: model('versicolor'), virginica: model('virginica') };
  beforeAll(async () => {
    server = await startTestServer(
      [
        { name: 'setosa', path: path.join(FIXTURES, 'iris_svc_0_setosa.onnx') },
        { name: 'versicolor', path: path.join(FIXTURES, 'iris_svc_0_versicolor.onnx') },
        { name: 'virginica', path: path.join(FIXTURES, 'iris_svc_0_virginica.onnx') },
        { name: 'sum', path: SUM },
        { name: 'gated', path: GATED },
        { name: 'failing', path: FAILING },
      ],
      {
        services: [
          service('proba-sum', pipeline([model('setosa'), model('sum')])),
          service('mean', parallel(three, { aggregate: 'mean' })),
          service('max', parallel(three, { aggregate: 'max-confidence' })),
          service('vote', parallel(three, { aggregate: 'vote' })),
          service('flags-then-nothing', pipeline([threshold(model('setosa'), { threshold: 0.5, column: 0 })])),
          service('slow-or-fast', parallel({ fast: model('sum'), slow: model('gated') }, { timeoutMs: 100 })),
          service('only-slow', parallel({ slow: model('gated') }, { timeoutMs: 50 })),
          service('one-broken', parallel({ fast: model('sum'), broken: model('failing') })),
          service('all-broken', parallel({ broken: model('failing') })),
          service('nested', parallel({ inner: { type: 'service', service: 'one-broken' }, own: model('sum') })),
          service('first', parallel({ slow: model('gated'), broken: model('failing'), fast: model('sum') }, { aggregate: 'first-success' })),
          service('first-all-broken', parallel({ a: model('failing'), b: model('failing') }, { aggregate: 'first-success' })),
        ],
      },
    );
  });
  afterAll(async () => server.close());
  afterEach(() => {
    globalThis.__mlpGate = undefined;
  });
  const call = (name: string, instances: unknown[]) => postJson<Answer>(`${server.url}/v1/services/${name}/predict`, { instances });

  it('pipeline: the first model’s probability rows are the second model’s instances', async () => {
    const res = await call('proba-sum', ROWS);
    expect(res.status).toBe(200);
    // Each [p0, p1] row sums to 1.
    for (const p of res.body.predictions as number[]) expect(p).toBeCloseTo(1, 5);
  });

  it('parallel mean: the element-wise mean of the branch rows', async () => {
    const res = await call('mean', ROWS);
    expect(res.status).toBe(200);
    (res.body.predictions as number[][]).forEach((row, i) => {
      const want = [0, 1].map((k) => ['setosa', 'versicolor', 'virginica'].reduce((a, s) => a + (species(s)[i]?.[k] ?? NaN), 0) / 3);
      expect(Math.abs((row[0] ?? NaN) - (want[0] ?? NaN))).toBeLessThan(1e-4);
      expect(Math.abs((row[1] ?? NaN) - (want[1] ?? NaN))).toBeLessThan(1e-4);
    });
  });

  it('parallel max-confidence: the most confident branch’s row, and which branch it was', async () => {
    const res = await call('max', ROWS);
    expect(res.status).toBe(200);
    expect(res.body.branch).toHaveLength(ROWS.length);
    ROWS.forEach((_, i) => {
      const best = ['setosa', 'versicolor', 'virginica'].reduce(
        (acc, s) => {
          const c = Math.max(...(species(s)[i] ?? []));
          return c > acc.c ? { s, c } : acc;
        },
        { s: '', c: -Infinity },
      );
      // Ties within float noise could pick either; the reference data has none this close.
      expect(res.body.branch?.[i]).toBe(best.s);
    });
  });

  it('parallel vote: the class most branches predict, with its vote count', async () => {
    const res = await call('vote', ROWS);
    expect(res.status).toBe(200);
    ROWS.forEach((_, i) => {
      const ballots = ['setosa', 'versicolor', 'virginica'].map((s) => argmax(species(s)[i] ?? []));
      const ones = ballots.filter((b) => b === 1).length;
      const winner = ones >= 2 ? 1 : 0;
      expect(res.body.predictions[i]).toBe(winner);
      expect(res.body.votes?.[i]).toBe(Math.max(ones, 3 - ones));
    });
  });

  it('threshold inside a pipeline', async () => {
    const res = await call('flags-then-nothing', [[5.1, 3.5, 1.4, 0.2]]);
    expect(res.body.predictions).toEqual([{ score: expect.closeTo(0.9825, 3) as number, flag: 1 }]);
  });

  it('a branch past its timeout gives a partial answer, not a failed request', async () => {
    let open!: () => void;
    globalThis.__mlpGate = new Promise<void>((resolve) => (open = resolve));
    try {
      const res = await call('slow-or-fast', [[1], [2]]);
      expect(res.status).toBe(200);
      expect(res.body.predictions).toEqual([{ fast: 1 }, { fast: 2 }]);
      expect(res.body.partial).toBe(true);
      expect(res.body.failed).toEqual({ slow: 'BRANCH_TIMEOUT' });
    } finally {
      open();
    }
  });

  it('first-success: the first branch to answer wins at once, without waiting for the others', async () => {
    let open!: () => void;
    // The slow branch is held until after the answer: the answer cannot have waited for it.
    globalThis.__mlpGate = new Promise<void>((resolve) => (open = resolve));
    try {
      const res = await call('first', [[1], [2]]);
      expect(res.status).toBe(200);
      expect(res.body.predictions).toEqual([1, 2]);
      expect(res.body.branch).toEqual(['fast', 'fast']);
      expect(res.body.partial).toBeUndefined();
    } finally {
      open();
    }
    const none = await call('first-all-broken', [[1]]);
    expect(none.status).toBe(502);
    expect(none.body.code).toBe('BRANCH_FAILED');
  });

  it('when the only branch times out: 504 BRANCH_TIMEOUT naming it', async () => {
    let open!: () => void;
    globalThis.__mlpGate = new Promise<void>((resolve) => (open = resolve));
    try {
      const res = await call('only-slow', [[1]]);
      expect(res.status).toBe(504);
      expect(res.body.code).toBe('BRANCH_TIMEOUT');
      expect(res.body.error).toContain('"slow"');
    } finally {
      open();
    }
  });

  it('a failing branch is reported in failed; when all fail, 502 BRANCH_FAILED', async () => {
    const partial = await call('one-broken', [[1]]);
    expect(partial.status).toBe(200);
    expect(partial.body).toMatchObject({ predictions: [{ fast: 1 }], partial: true, failed: { broken: 'INFERENCE_FAILED' } });
    const nested = await call('nested', [[1]]);
    expect(nested.body).toMatchObject({ predictions: [{ inner: { fast: 1 }, own: 1 }], partial: true, failed: { 'inner/broken': 'INFERENCE_FAILED' } });
    const failed = await call('all-broken', [[1]]);
    expect(failed.status).toBe(502);
    expect(failed.body.code).toBe('BRANCH_FAILED');
    expect(failed.body.error).toContain('"broken"');
  });
});
