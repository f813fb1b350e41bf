import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/app/serve.js';
import { model, pipeline, service, split } from '../../src/services/builders.js';
import { assignmentPoint, chooseVariant } from '../../src/services/split.js';
import { problemsOf } from '../helpers/config-problems.js';
import { metricValue } from '../helpers/metrics.js';
import { startTestServer } from '../helpers/server.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SUM = path.join(HERE, '../fixtures/sum-model'); // features [-1,-1] -> row sums [-1]
const GATED = path.join(HERE, '../fixtures/gated-model'); // x [-1,1] -> 2x (the gate is open when unset)

type Answer = { predictions: unknown[]; variant?: string; code?: string; error?: string };
const SPLIT = 'mlpatterns_split_requests_total';
const AB = { a: { weight: 1, node: model('sum') }, b: { weight: 1, node: model('gated') } };
/** What each variant answers for [[1]]: sum gives 1, gated 2x. */
const ANSWER_OF = { a: [1], b: [[2]] } as const;

describe('split node over HTTP', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer(
      [
        { name: 'sum', path: SUM },
        { name: 'gated', path: GATED },
      ],
      {
        services: [
          service('by-user', split(AB, { sticky: { header: 'x-user' }, salt: 'exp-1' })),
          service('by-field', split(AB, { sticky: { field: 'user.id' } })),
          service('by-key', split(AB, { sticky: { key: true } })),
          service('random', split({ ...AB, off: { weight: 0, node: model('sum') } })),
          service('in-pipeline', pipeline([split(AB, { sticky: { header: 'x-user' }, salt: 'exp-1' })])),
        ],
      },
    );
  });
  afterAll(async () => server.close());

  const call = async (name: string, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const res = await request(`${server.url}/v1/services/${name}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: res.statusCode, body: (await res.body.json()) as Answer };
  };
  const expectedFor = (sticky: string, salt = '') =>
    chooseVariant(
      Object.entries(AB).map(([n, v]) => [n, v.weight]),
      assignmentPoint({ sticky: { header: 'x-user' }, salt }, { requestId: 'unused', request: { headers: { 'x-user': sticky }, fields: {} } }),
    );

  it('sticky by header: the same user always gets the same variant, and the answer names it', async () => {
    for (const user of ['alice', 'bob', 'carol']) {
      const want = expectedFor(user, 'exp-1');
      for (let i = 0; i < 5; i++) {
        const res = await call('by-user', { instances: [[1]] }, { 'x-user': user });
        expect(res.status).toBe(200);
        expect(res.body.variant).toBe(want);
        expect(res.body.predictions).toEqual(ANSWER_OF[want as 'a' | 'b']);
      }
    }
    const seen = new Set<string | undefined>();
    for (let u = 0; u < 30; u++) seen.add((await call('by-user', { instances: [[1]] }, { 'x-user': `user-${u}` })).body.variant);
    expect([...seen].sort()).toEqual(['a', 'b']); // both variants do serve
  });

  it('per-variant metrics count the requests each variant served', async () => {
    const counts = { a: 0, b: 0 };
    for (let u = 0; u < 20; u++) {
      const res = await call('by-field', { instances: [[1]], user: { id: `u${u}` } });
      counts[res.body.variant as 'a' | 'b']++;
    }
    expect(counts.a + counts.b).toBe(20);
    expect(await metricValue(server.url, SPLIT, { service: 'by-field', node: 'graph', variant: 'a' })).toBe(counts.a);
    expect(await metricValue(server.url, SPLIT, { service: 'by-field', node: 'graph', variant: 'b' })).toBe(counts.b);
    // A field value always maps to the same variant.
    const again = await call('by-field', { instances: [[1]], user: { id: 'u3' } });
    const first = await call('by-field', { instances: [[1]], user: { id: 'u3' } });
    expect(again.body.variant).toBe(first.body.variant);
  });

  it('sticky by key: the request’s first key decides', async () => {
    const variants = new Set<string | undefined>();
    for (let i = 0; i < 4; i++) variants.add((await call('by-key', { instances: [[1]], keys: ['customer-7'] })).body.variant);
    expect(variants.size).toBe(1);
  });

  it('not sticky: decided by the request id, so the same id gets the same variant; weight 0 never serves', async () => {
    for (let i = 0; i < 40; i++) {
      const id = `split-rid-${i}`;
      const first = await call('random', { instances: [[1]] }, { 'x-request-id': id });
      const again = await call('random', { instances: [[1]] }, { 'x-request-id': id });
      expect(again.body.variant).toBe(first.body.variant);
      expect(first.body.variant).not.toBe('off');
    }
    expect(await metricValue(server.url, SPLIT, { service: 'random', variant: 'off' })).toBe(0);
  });

  it('the variant survives a pipeline around the split', async () => {
    const res = await call('in-pipeline', { instances: [[1]] }, { 'x-user': 'alice' });
    expect(res.body.variant).toBe(expectedFor('alice', 'exp-1'));
  });
});

describe('split assignment', () => {
  it('10,000 request ids converge to the weights (1 : 3 : 0) within 2 points', () => {
    const weights = [
      ['a', 1],
      ['b', 3],
      ['off', 0],
    ] as const;
    const counts: Record<string, number> = { a: 0, b: 0, off: 0 };
    for (let i = 0; i < 10_000; i++) {
      const v = chooseVariant(weights, assignmentPoint({}, { requestId: `req-${i}` }));
      counts[v ?? 'none'] = (counts[v ?? 'none'] ?? 0) + 1;
    }
    expect(Math.abs((counts['a'] ?? 0) / 10_000 - 0.25)).toBeLessThan(0.02);
    expect(Math.abs((counts['b'] ?? 0) / 10_000 - 0.75)).toBeLessThan(0.02);
    expect(counts['off']).toBe(0);
  });

  it('sticky values converge to the weights too, and a new salt reshuffles them', () => {
    const weights = [
      ['a', 1],
      ['b', 1],
    ] as const;
    const pick = (user: string, salt: string) =>
      chooseVariant(weights, assignmentPoint({ sticky: { header: 'x-user' }, salt }, { requestId: 'r', request: { headers: { 'x-user': user }, fields: {} } }));
    const users = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);
    const a = users.filter((u) => pick(u, 's1') === 'a').length;
    expect(Math.abs(a / 10_000 - 0.5)).toBeLessThan(0.02);
    const moved = users.filter((u) => pick(u, 's1') !== pick(u, 's2')).length;
    expect(moved).toBeGreaterThan(4000); // independent salts: about half change sides
  });

  it('boundaries: the top of the range goes to the last positive weight, and no positive weight chooses nothing', () => {
    expect(chooseVariant([['a', 1], ['b', 1], ['z', 0]], 0.999999999)).toBe('b');
    expect(chooseVariant([['a', 1], ['b', 1]], 0)).toBe('a');
    expect(chooseVariant([['a', 0]], 0.5)).toBeUndefined();
  });
});

describe('split configuration', () => {
  const config = (variants: unknown, extra: Record<string, unknown> = {}) => ({
    models: [{ name: 'sum', path: SUM }],
    services: [{ name: 'ab', graph: { type: 'split', variants, ...extra } }],
  });

  it('weights that sum to 0 are refused at start-up, naming the problem', () => {
    const message = problemsOf(config({ a: { weight: 0, node: { type: 'model', model: 'sum' } } }));
    expect(message).toContain('services.0.graph.variants');
    expect(message).toContain('weights must sum to more than 0');
  });

  it('a negative weight, no variant at all and an unknown sticky kind are refused', () => {
    expect(problemsOf(config({ a: { weight: -1, node: { type: 'model', model: 'sum' } }, b: { weight: 2, node: { type: 'model', model: 'sum' } } }))).toContain(
      'a weight must be 0 or more',
    );
    expect(problemsOf(config({}))).toContain('at least one variant');
    expect(problemsOf(config({ a: { weight: 1, node: { type: 'model', model: 'sum' } } }, { sticky: { cookie: 'id' } }))).toContain('sticky is one of {header: <name>}, {field: <dot.path>} or {key: true}');
  });

  it('every positive-weight variant switched off is refused', () => {
    const message = problemsOf(config({ a: { weight: 1, node: { type: 'model', model: 'sum', active: false } }, b: { weight: 0, node: { type: 'model', model: 'sum' } } }));
    expect(message).toContain('no variant with a weight above 0 is switched on');
  });
});

describe('split inside a cache', () => {
  it('is refused: a hit would answer another variant’s result', () => {
    const message = problemsOf({
      models: [{ name: 'sum', path: SUM }],
      services: [{ name: 'ab', graph: { type: 'cache', input: { type: 'split', variants: { a: { weight: 1, node: { type: 'model', model: 'sum' } } } } } }],
    });
    expect(message).toContain('services.0.graph.input: a cache cannot wrap a split node');
  });
});
