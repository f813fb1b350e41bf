import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/app/serve.js';
import { resolveConfig } from '../../src/config/load-config.js';
import { isMlError } from '../../src/errors/ml-error.js';
import { condition, model, pipeline, service, serviceRef, cache, parallel, threshold } from '../../src/services/builders.js';
import { inHours, requestAttributes } from '../../src/services/condition.js';
import type { ModelRunner } from '../../src/services/run-context.js';
import type { ServiceEntry } from '../../src/services/schema.js';
import { ServiceRepository } from '../../src/services/service-repository.js';
import { problemsOf } from '../helpers/config-problems.js';
import { startTestServer } from '../helpers/server.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SUM = path.join(HERE, '../fixtures/sum-model'); // features [-1,-1] -> row sums [-1]
const GATED = path.join(HERE, '../fixtures/gated-model'); // x [-1,1] -> 2x, waits on globalThis.__mlpGate
const MODELS = ['a', 'b', 'c', 'd'].map((name) => ({ name, path: `${name}.onnx` }));

declare global {
  var __mlpGate: Promise<void> | undefined;
}

/** Each row is the name of the model that answered it. */
const byName: ModelRunner = async (call) => ({ rows: call.instances.map(() => call.model) });
const at = (hhmm: string) => () => new Date(`2026-01-01T${hhmm}:00Z`);

function repoOf(...entries: ServiceEntry[]): ServiceRepository {
  // Through resolveConfig, so the graphs are the validated ones a server runs.
  return new ServiceRepository(resolveConfig({ models: MODELS, services: entries }).services);
}

describe('condition: choosing the route', () => {
  const repo = repoOf(
    service('by-header', condition([{ when: { header: { 'X-Tier': 'gold' } }, then: model('a') }], model('b'))),
    service('by-field', condition([{ when: { field: { 'user.tier': 'gold', 'user.level': 3 } }, then: model('a') }], model('b'))),
    service('by-hour', condition([{ when: { hour: [9, 17] }, then: model('a') }, { when: { hour: [22, 6] }, then: model('c') }], model('b'))),
    service(
      'ordered',
      condition(
        [
          { when: { header: { 'x-beta': '1' } }, then: model('a') },
          { when: { header: { 'x-beta': '1' }, field: { region: 'eu' } }, then: model('c') },
          { when: { field: { region: 'eu' } }, then: model('d') },
        ],
        model('b'),
      ),
    ),
    service('nested', condition([{ when: { header: { 'x-a': '1' } }, then: condition([{ when: { header: { 'x-b': '1' } }, then: model('a') }], model('c')) }], model('b'))),
    service('switched', condition([{ when: { header: { 'x-a': '1' } }, then: model('a', { active: false }) }], model('b'))),
    service('empty', condition([], model('d'))),
    service('in-pipeline', pipeline([condition([{ when: { header: { 'x-a': '1' } }, then: model('a') }], model('b')), model('c')])),
  );
  const run = (name: string, headers: Record<string, string> = {}, body: Record<string, unknown> = {}, now?: () => Date) =>
    repo.run(name, [[1], [2]], { requestId: 'r', runModel: byName, request: requestAttributes(headers, { instances: [[1], [2]], ...body }), ...(now ? { now } : {}) });

  it('routes on a header, names case-insensitive, values exact', async () => {
    expect(await run('by-header', { 'x-tier': 'gold' })).toEqual({ rows: ['a', 'a'], route: 'rules[0]' });
    expect((await run('by-header', { 'X-TIER': 'gold' })).route).toBe('rules[0]');
    expect(await run('by-header', { 'x-tier': 'Gold' })).toEqual({ rows: ['b', 'b'], route: 'default' });
    expect((await run('by-header')).route).toBe('default');
  });

  it('routes on body fields by dot path, compared as strings, all of them needed', async () => {
    expect((await run('by-field', {}, { user: { tier: 'gold', level: 3 } })).route).toBe('rules[0]');
    expect((await run('by-field', {}, { user: { tier: 'gold', level: '3' } })).route).toBe('rules[0]');
    expect((await run('by-field', {}, { user: { tier: 'gold', level: 4 } })).route).toBe('default');
    expect((await run('by-field', {}, { user: { tier: 'gold' } })).route).toBe('default');
    expect((await run('by-field', {}, { user: 'gold' })).route).toBe('default');
  });

  it('cannot reach prototypes through a field path', async () => {
    const r = repoOf(service('proto', condition([{ when: { field: { '__proto__.constructor.name': 'Object', 'constructor.name': 'Object' } }, then: model('a') }], model('b'))));
    const attrs = requestAttributes({}, JSON.parse('{"instances":[[1]],"__proto__":{"polluted":"yes"}}'));
    expect(attrs.fields).not.toHaveProperty('instances');
    expect(Object.isFrozen(attrs.fields)).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect((await r.run('proto', [[1]], { requestId: 'r', runModel: byName, request: attrs })).route).toBe('default');
  });

  it('routes on the UTC hour of an injected clock, from inclusive, to exclusive, wrapping midnight', async () => {
    expect((await run('by-hour', {}, {}, at('09:00'))).route).toBe('rules[0]');
    expect((await run('by-hour', {}, {}, at('16:59'))).route).toBe('rules[0]');
    expect((await run('by-hour', {}, {}, at('17:00'))).route).toBe('default');
    expect((await run('by-hour', {}, {}, at('23:30'))).route).toBe('rules[1]');
    expect((await run('by-hour', {}, {}, at('00:00'))).route).toBe('rules[1]');
    expect((await run('by-hour', {}, {}, at('05:59'))).route).toBe('rules[1]');
    expect((await run('by-hour', {}, {}, at('06:00'))).route).toBe('default');
    expect(inHours([9.5, 10], new Date('2026-01-01T09:45:00Z'))).toBe(true);
    expect(inHours([0, 24], new Date('2026-01-01T23:59:59Z'))).toBe(true);
    // The repository-wide clock applies when a run gives none.
    const r = new ServiceRepository(resolveConfig({ models: MODELS, services: [service('h', condition([{ when: { hour: [22, 6] }, then: model('a') }], model('b')))] }).services, { now: at('03:00') });
    expect((await r.run('h', [[1]], { requestId: 'r', runModel: byName })).route).toBe('rules[0]');
  });

  it('takes the first matching rule, else the default', async () => {
    expect((await run('ordered', { 'x-beta': '1' }, { region: 'eu' })).rows).toEqual(['a', 'a']);
    expect((await run('ordered', {}, { region: 'eu' })).route).toBe('rules[2]');
    expect((await run('ordered', { 'x-beta': '0' }, { region: 'us' })).route).toBe('default');
    expect(await run('empty')).toEqual({ rows: ['d', 'd'], route: 'default' });
  });

  it('names nested choices, skips switched-off routes, keeps routes through a pipeline', async () => {
    expect(await run('nested', { 'x-a': '1', 'x-b': '1' })).toEqual({ rows: ['a', 'a'], route: 'rules[0]/rules[0]' });
    expect((await run('nested', { 'x-a': '1' })).route).toBe('rules[0]/default');
    expect((await run('switched', { 'x-a': '1' })).route).toBe('default');
    expect(await run('in-pipeline', { 'x-a': '1' })).toEqual({ rows: ['c', 'c'], route: 'rules[0]' });
  });

  it('without request attributes, header and field rules do not match', async () => {
    expect((await repo.run('by-header', [[1]], { requestId: 'r', runModel: byName })).route).toBe('default');
  });

  it('a route past its timeout fails with BRANCH_TIMEOUT naming it', async () => {
    const r = repoOf(service('slow', condition([{ when: { header: { 'x-a': '1' } }, then: model('a'), timeoutMs: 20 }], model('b'), { defaultTimeoutMs: 20 })));
    const never: ModelRunner = () => new Promise(() => undefined);
    for (const [headers, route] of [[{ 'x-a': '1' }, 'rules[0]'], [{}, 'default']] as const) {
      const err = await r.run('slow', [[1]], { requestId: 'r', runModel: never, request: requestAttributes(headers, {}) }).catch((e: unknown) => e);
      expect(isMlError(err) && err.code).toBe('BRANCH_TIMEOUT');
      expect((err as Error).message).toContain(`"${route}"`);
    }
  });
});

describe('condition: config', () => {
  it('lists every problem of condition nodes at once', () => {
    const message = problemsOf({
      models: MODELS,
      services: [
        {
          name: 'tiered',
          graph: {
            type: 'condition',
            rules: [
              { when: { header: {} }, then: { type: 'model', model: 'a' } },
              { when: { field: {} }, then: { type: 'model', model: 'a' } },
              { when: { hour: [0, 25] }, then: { type: 'model', model: 'a' } },
              { when: { hour: [-1, 3] }, then: { type: 'model', model: 'a' } },
              { when: { hour: [5, 5] }, then: { type: 'model', model: 'a' } },
              { when: {}, then: { type: 'model', model: 'a' } },
              { when: { weather: 'rain' }, then: { type: 'model', model: 'a' } },
            ],
          },
        },
      ],
    });
    expect(message).toContain('services.0.graph.rules.0.when.header: list at least one header');
    expect(message).toContain('services.0.graph.rules.1.when.field: list at least one field');
    expect(message).toContain('services.0.graph.rules.2.when.hour.1');
    expect(message).toContain('services.0.graph.rules.3.when.hour.0');
    expect(message).toContain('services.0.graph.rules.4.when.hour: from and to must differ');
    expect(message).toContain('services.0.graph.rules.5.when: a rule needs at least one of header, field, hour, label or instance');
    expect(message).toContain('weather');
    expect(message).toContain('services.0.graph.default');
  });

  it('checks references inside routes, switched-off defaults and caches around conditions', () => {
    const message = problemsOf({
      models: MODELS,
      services: [
        service('refs', condition([{ when: { header: { 'x-a': '1' } }, then: model('nope') }], serviceRef('ghost'))),
        service('off', condition([], model('a', { active: false }))),
        service('routed', condition([{ when: { hour: [1, 2] }, then: model('a') }], model('b'))),
        service('cached', cache(parallel({ x: serviceRef('routed') }))),
        service('cache-inside', condition([{ when: { hour: [1, 2] }, then: cache(model('a')) }], threshold(model('b'), { threshold: 0.5 }))),
      ],
    });
    expect(message).toContain('services.0.graph.rules.0.then.model: unknown model "nope"');
    expect(message).toContain('services.0.graph.default.service: unknown service "ghost"');
    expect(message).toContain('services.1.graph.default.active: the default route of a condition cannot be switched off');
    expect(message).toContain('services.3.graph.input: a cache cannot wrap a condition node');
    expect(message).not.toContain('services.4');
  });

  it('the builder gives the object the YAML parses to', () => {
    const built = service('tiered', condition([{ when: { header: { 'x-tier': 'gold' }, hour: [22, 6] }, then: model('a'), timeoutMs: 100 }], model('b'), { defaultTimeoutMs: 50 }));
    const parsed = resolveConfig({
      models: MODELS,
      services: [
        {
          name: 'tiered',
          graph: {
            type: 'condition',
            rules: [{ when: { header: { 'x-tier': 'gold' }, hour: [22, 6] }, then: { type: 'model', model: 'a' }, timeoutMs: 100 }],
            default: { type: 'model', model: 'b' },
            defaultTimeoutMs: 50,
          },
        },
      ],
    });
    expect(parsed.services[0]).toEqual(built);
  });
});

describe('condition over HTTP', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer(
      [
        { name: 'sum', path: SUM },
        { name: 'gated', path: GATED },
      ],
      { services: [service('tiered', condition([{ when: { header: { 'x-tier': 'gold' } }, then: model('gated'), timeoutMs: 100 }], model('sum')))] },
    );
  });
  afterAll(async () => server.close());
  afterEach(() => {
    globalThis.__mlpGate = undefined;
  });
  const call = async (headers: Record<string, string>, body: unknown) => {
    const res = await request(`${server.url}/v1/services/tiered/predict`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
  };

  it('picks the route from a request header and names it in the answer', async () => {
    const gold = await call({ 'X-Tier': 'gold' }, { instances: [[1], [2]] });
    expect(gold).toMatchObject({ status: 200, body: { predictions: [[2], [4]], service: 'tiered', route: 'rules[0]' } });
    const plain = await call({}, { instances: [[1], [2]] });
    expect(plain).toMatchObject({ status: 200, body: { predictions: [1, 2], route: 'default' } });
  });

  it('a route that does not answer in time is 504 BRANCH_TIMEOUT naming it', async () => {
    let open!: () => void;
    globalThis.__mlpGate = new Promise<void>((resolve) => (open = resolve));
    try {
      const res = await call({ 'x-tier': 'gold' }, { instances: [[1]] });
      expect(res.status).toBe(504);
      expect(res.body['code']).toBe('BRANCH_TIMEOUT');
      expect(res.body['error']).toContain('"rules[0]"');
    } finally {
      open();
    }
  });
});
