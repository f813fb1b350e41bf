import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryCache } from '../../src/adapters/memory/cache.js';
import { readPackage } from '../../src/package/read-package.js';
import type { Cache } from '../../src/ports/cache.js';
import { loadModel } from '../../src/serving/load-model.js';
import { ModelHost } from '../../src/serving/model-host.js';
import { ModelRepository } from '../../src/serving/model-repository.js';
import { canonicalJson } from '../../src/services/cache-key.js';
import { cache, model, parallel, service, serviceRef } from '../../src/services/builders.js';
import { leaseRunner } from '../../src/services/model-runner.js';
import type { CacheEvent, ModelCall, ModelRunner } from '../../src/services/run-context.js';
import type { ServiceEntry } from '../../src/services/schema.js';
import { ServiceRepository, type ServiceRepositoryOptions } from '../../src/services/service-repository.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const COUNTING = path.join(HERE, '../fixtures/counting-model'); // row sums; counts rows in globalThis.__mlpRows

declare global {
  var __mlpRows: number | undefined;
}

/** A runner that records its calls: row = sum × the model's current version; labels and a per-row extra. */
function fakeRunner(versions: Map<string, string>): { runModel: ModelRunner; calls: ModelCall[] } {
  const calls: ModelCall[] = [];
  const run = async (call: ModelCall) => {
    calls.push(call);
    if (call.model === 'slow') await new Promise((r) => setTimeout(r, 200));
    const factor = Number(versions.get(call.model) ?? '1');
    const rows = call.instances.map((x) => Object.values(x as number[]).reduce((a, b) => a + b, 0) * factor);
    return { rows, labels: rows.map((r) => `L${r}`), extras: { top_k: rows.map((r) => [r]) } };
  };
  const versionOf = (m: string): string => versions.get(m) ?? '1';
  return { runModel: Object.assign(run, { versionOf }), calls };
}

function setUp(entries: ServiceEntry[], options: ServiceRepositoryOptions = {}) {
  const versions = new Map<string, string>();
  const { runModel, calls } = fakeRunner(versions);
  const events: CacheEvent[] = [];
  const repo = new ServiceRepository(entries, { onCache: (e) => events.push(e), ...options });
  const run = (name: string, instances: unknown[]) => repo.run(name, instances, { requestId: 'r1', runModel });
  const tally = (result: CacheEvent['result']) => events.filter((e) => e.result === result).reduce((a, e) => a + e.count, 0);
  return { repo, run, calls, versions, events, tally };
}

describe('cache node', () => {
  afterEach(() => {
    globalThis.__mlpRows = undefined;
  });

  it('a hit returns the identical answer (rows, labels, extras) without a model call', async () => {
    const t = setUp([service('c', cache(model('m')))]);
    const first = await t.run('c', [[1, 2], [3, 4]]);
    const second = await t.run('c', [[1, 2], [3, 4]]);
    expect(second).toEqual(first);
    expect(first).toEqual({ rows: [3, 7], labels: ['L3', 'L7'], extras: { top_k: [[3], [7]] } });
    expect(t.calls).toHaveLength(1);
    expect([t.tally('miss'), t.tally('hit'), t.tally('error')]).toEqual([2, 2, 0]);
    expect(t.events[0]).toMatchObject({ service: 'c', node: 'graph' });
  });

  it('a batch with some hits runs only the misses, and answers in request order', async () => {
    const t = setUp([service('c', cache(model('m')))]);
    await t.run('c', [[1], [2]]);
    const value = await t.run('c', [[10], [1], [20], [2]]);
    expect(value.rows).toEqual([10, 1, 20, 2]);
    expect(value.labels).toEqual(['L10', 'L1', 'L20', 'L2']);
    expect(t.calls[1]?.instances).toEqual([[10], [20]]);
  });

  it('instances equal as JSON share an entry, whatever their key order', async () => {
    const t = setUp([service('c', cache(model('m')))]);
    expect((await t.run('c', [{ a: 1, b: 2, c: 3 }])).rows).toEqual([6]);
    expect((await t.run('c', [{ c: 3, a: 1, b: 2 }])).rows).toEqual([6]);
    expect(t.calls).toHaveLength(1);
    expect(canonicalJson({ b: { d: 1, c: [{ y: 1, x: 2 }] }, a: null })).toBe('{"a":null,"b":{"c":[{"x":2,"y":1}],"d":1}}');
  });

  it('forgets answers after ttlMs', async () => {
    let now = 0;
    const t = setUp([service('c', cache(model('m'), { ttlMs: 1000 }))], { openCache: () => new MemoryCache({ now: () => now }) });
    await t.run('c', [[1]]);
    now = 999;
    await t.run('c', [[1]]);
    expect(t.calls).toHaveLength(1);
    now = 1000;
    await t.run('c', [[1]]);
    expect(t.calls).toHaveLength(2);
  });

  it('keeps at most maxEntries, evicting the least recently used', async () => {
    const t = setUp([service('c', cache(model('m'), { maxEntries: 2 }))]);
    await t.run('c', [[1], [2]]);
    await t.run('c', [[1]]); // [1] is now the most recent
    await t.run('c', [[3]]); // evicts [2]
    t.calls.length = 0;
    await t.run('c', [[1], [2], [3]]);
    expect(t.calls.map((c) => c.instances)).toEqual([[[2]]]);
  });

  it('a new model version is never answered from the old one’s entries', async () => {
    const t = setUp([service('c', cache(model('m')))]);
    expect((await t.run('c', [[1]])).rows).toEqual([1]);
    t.versions.set('m', '2');
    expect((await t.run('c', [[1]])).rows).toEqual([2]);
    expect(t.calls).toHaveLength(2);
  });

  it('keys on the ModelHost’s current version: host.swap invalidates (leaseRunner, real models)', async () => {
    const pkg = await readPackage(COUNTING);
    const [v1, v2] = await Promise.all([loadModel(pkg, { version: '1' }), loadModel(pkg, { version: '2' })]);
    const models = new ModelRepository();
    const host = new ModelHost(v1);
    models.add('counting', host);
    const repo = new ServiceRepository([service('c', cache(model('counting')))]);
    const run = () => repo.run('c', [[1, 2]], { requestId: 'r', runModel: leaseRunner(models) });
    try {
      expect((await run()).rows).toEqual([3]);
      expect((await run()).rows).toEqual([3]);
      expect(globalThis.__mlpRows).toBe(1);
      host.swap(v2);
      expect((await run()).rows).toEqual([3]);
      expect(globalThis.__mlpRows).toBe(2);
    } finally {
      await models.close();
      await repo.close();
    }
  });

  it('caches a composed graph: around a parallel node, and inside a referenced service', async () => {
    const inner = cache(parallel({ a: model('m'), b: model('n') }, { aggregate: 'max-confidence' }));
    const t = setUp([service('inner', inner), service('outer', parallel({ x: serviceRef('inner'), y: model('m') }))]);
    const first = await t.run('outer', [[1], [2]]);
    const calls = t.calls.length; // a, b and y
    const second = await t.run('outer', [[1], [2]]);
    expect(second).toEqual(first);
    expect(t.calls.length - calls).toBe(1); // only y, outside the cache
    // The node belongs to the service that declares it, whoever calls it.
    expect(t.events.every((e) => e.service === 'inner' && e.node === 'graph')).toBe(true);
  });

  it('a partial answer (a branch timed out) is served but not kept', async () => {
    const t = setUp([service('c', cache(parallel({ fast: model('m'), slow: model('slow') }, { timeoutMs: 20 })))]);
    const first = await t.run('c', [[1]]);
    expect(first.failed).toEqual({ slow: 'BRANCH_TIMEOUT' });
    await t.run('c', [[1]]);
    expect(t.calls.filter((c) => c.model === 'm')).toHaveLength(2);
  });

  it('fails open: a store that throws is bypassed and counted, never surfaced', async () => {
    const broken: Cache = {
      getMany: () => Promise.reject(new Error('down')),
      setMany: () => Promise.reject(new Error('down')),
      close: async () => undefined,
    };
    const t = setUp([service('c', cache(model('m')))], { openCache: () => broken });
    expect((await t.run('c', [[1], [2]])).rows).toEqual([1, 2]);
    await new Promise((r) => setImmediate(r)); // the write is off the response path
    expect(t.tally('error')).toBe(4); // two reads, two writes
    expect(t.tally('miss')).toBe(0);
  });

  it('does not wait for the write', async () => {
    let release!: () => void;
    const slowWrites: Cache = {
      getMany: async (keys) => keys.map(() => undefined),
      setMany: () => new Promise<void>((r) => (release = r)),
      close: async () => undefined,
    };
    const t = setUp([service('c', cache(model('m')))], { openCache: () => slowWrites });
    expect((await t.run('c', [[1]])).rows).toEqual([1]); // answered while the write still hangs
    release();
  });

  it('without versionOf on the runner, the cache is bypassed (keys could not see a new version)', async () => {
    const calls: ModelCall[] = [];
    const repo = new ServiceRepository([service('c', cache(model('m')))]);
    const runModel: ModelRunner = async (call) => (calls.push(call), { rows: call.instances });
    await repo.run('c', [[1]], { requestId: 'r', runModel });
    await repo.run('c', [[1]], { requestId: 'r', runModel });
    expect(calls).toHaveLength(2);
  });
});
