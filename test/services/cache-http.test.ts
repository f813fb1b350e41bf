import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/app/serve.js';
import { cache, model, parallel, service } from '../../src/services/builders.js';
import { TEST_REDIS_URL, requireRedis } from '../helpers/redis.js';
import { postJson, startTestServer } from '../helpers/server.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const COUNTING = path.join(HERE, '../fixtures/counting-model'); // row sums; counts rows in globalThis.__mlpRows

declare global {
  var __mlpRows: number | undefined;
}

type Answer = { predictions: unknown[]; keys?: string[]; request_id: string; service: string };
const redis = await requireRedis('cache-http.redis');
// Keys hash the service name: a name of its own per run keeps runs apart on a shared Redis (entries live 5 s).
const REDIS_SERVICE = `redis-${randomBytes(4).toString('hex')}`;

describe('cache node over HTTP', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer([{ name: 'counting', path: COUNTING }], {
      services: [
        service('cached', cache(model('counting'))),
        service('around-parallel', cache(parallel({ a: model('counting'), b: model('counting') }, { aggregate: 'mean' }))),
        service('down', cache(model('counting'), { store: 'redis', url: 'redis://127.0.0.1:1' })),
        ...(redis.available ? [service(REDIS_SERVICE, cache(model('counting'), { store: 'redis', url: TEST_REDIS_URL, ttlMs: 5000 }))] : []),
      ],
    });
  });
  afterAll(async () => server.close());
  afterEach(() => {
    globalThis.__mlpRows = undefined;
  });
  const call = (name: string, instances: unknown[], keys?: string[]) =>
    postJson<Answer>(`${server.url}/v1/services/${name}/predict`, { instances, ...(keys ? { keys } : {}) });
  const metrics = async () => (await (await request(`${server.url}/metrics`)).body.text()).split('\n');
  const sample = (lines: string[], service: string, result: string) =>
    Number(lines.find((l) => l.startsWith(`mlpatterns_cache_requests_total{service="${service}",node="graph",result="${result}"}`))?.split(' ')[1] ?? 0);

  it('a hit answers the same predictions without running the model; keys and request ids stay the request’s own', async () => {
    const first = await call('cached', [[1, 2], [3, 4]], ['a', 'b']);
    expect(first.status).toBe(200);
    expect(globalThis.__mlpRows).toBe(2);
    const second = await call('cached', [[3, 4], [5, 6], [1, 2]], ['x', 'y', 'z']);
    expect(second.body.predictions).toEqual([7, 11, 3]);
    expect(second.body.keys).toEqual(['x', 'y', 'z']);
    expect(second.body.request_id).not.toBe(first.body.request_id);
    expect(globalThis.__mlpRows).toBe(3); // only [5, 6] ran
    const lines = await metrics();
    expect(sample(lines, 'cached', 'hit')).toBe(2);
    expect(sample(lines, 'cached', 'miss')).toBe(3);
  });

  it('caches around a parallel node', async () => {
    const first = await call('around-parallel', [[1, 1]]);
    const second = await call('around-parallel', [[1, 1]]);
    expect(second.body.predictions).toEqual(first.body.predictions);
    expect(first.body.predictions).toEqual([2]);
    expect(globalThis.__mlpRows).toBe(2); // both branches once, then nothing
  });

  it('Redis down: still served, the errors counted', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await call('down', [[1, 2]]);
      expect(res.status).toBe(200);
      expect(res.body.predictions).toEqual([3]);
    }
    expect(globalThis.__mlpRows).toBe(2);
    await new Promise((r) => setTimeout(r, 20)); // writes fail off the response path
    expect(sample(await metrics(), 'down', 'error')).toBe(4); // two reads, two writes
  });

  it.skipIf(!redis.available)(`a Redis store answers hits across requests ${redis.reason}`, async () => {
    await call(REDIS_SERVICE, [[1, 2]]);
    let second: Answer | undefined;
    // The first write is off the response path: wait until it has landed.
    for (let i = 0; i < 50 && sample(await metrics(), REDIS_SERVICE, 'hit') === 0; i++) {
      second = (await call(REDIS_SERVICE, [[1, 2]])).body;
    }
    expect(second?.predictions).toEqual([3]);
    expect(sample(await metrics(), REDIS_SERVICE, 'hit')).toBeGreaterThan(0);
    expect(sample(await metrics(), REDIS_SERVICE, 'error')).toBe(0);
  });
});
