import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load-config.js';
import { isMlError } from '../../src/errors/ml-error.js';
import { readPackage } from '../../src/package/read-package.js';
import { loadModel } from '../../src/serving/load-model.js';
import { ModelHost } from '../../src/serving/model-host.js';
import { ModelRepository } from '../../src/serving/model-repository.js';
import { cache, map, model, pipeline, service } from '../../src/services/builders.js';
import { leaseRunner } from '../../src/services/model-runner.js';
import type { CacheEvent } from '../../src/services/run-context.js';
import type { CacheNode, ServiceEntry, ServiceNode } from '../../src/services/schema.js';
import { ServiceRepository, type ServiceRepositoryOptions } from '../../src/services/service-repository.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FETCH = path.join(HERE, '../fixtures/counting-fetch-model'); // id → iris features; counts ids in globalThis.__mlpFetches
const COUNTING = path.join(HERE, '../fixtures/counting-model'); // row sums; counts rows in globalThis.__mlpRows
const SUM = { a: 10.2, b: 17.2, c: 14.6, d: 15.7 } as const;

declare global {
  var __mlpFetches: number | undefined;
  var __mlpRows: number | undefined;
}

let stateDir: string;
let models: ModelRepository;
let fetchHost: ModelHost;

beforeAll(async () => {
  stateDir = mkdtempSync(path.join(tmpdir(), 'mlp-data-cache-'));
  models = new ModelRepository();
  fetchHost = new ModelHost(await loadModel(await readPackage(FETCH), { version: '1' }));
  models.add('fetch', fetchHost);
  models.add('counting', new ModelHost(await loadModel(await readPackage(COUNTING))));
});

afterAll(async () => {
  await models.close();
  rmSync(stateDir, { recursive: true, force: true });
});

afterEach(() => {
  globalThis.__mlpFetches = undefined;
  globalThis.__mlpRows = undefined;
});

const byId = (options: Partial<Omit<CacheNode, 'type' | 'input'>> = {}, input: ServiceNode = model('fetch')): ServiceEntry =>
  service('by-id', pipeline([cache(input, { key: 'id', ...options }), model('counting')]));

function setUp(entries: ServiceEntry[], options: ServiceRepositoryOptions = {}) {
  const events: CacheEvent[] = [];
  const repo = new ServiceRepository(entries, { onCache: (e) => events.push(e), stateDir, ...options });
  const run = (instances: unknown[]) => repo.run('by-id', instances, { requestId: 'r1', runModel: leaseRunner(models) });
  const tally = (result: CacheEvent['result']) => events.filter((e) => e.result === result).reduce((a, e) => a + e.count, 0);
  return { repo, run, tally };
}

const rounded = (rows: readonly unknown[]) => rows.map((r) => Math.round((r as number) * 10) / 10);

describe('data cache (cache with key)', () => {
  it('a repeated id skips the fetch, but the model after the cache still runs', async () => {
    const t = setUp([byId()]);
    try {
      expect(rounded((await t.run([{ id: 'a' }])).rows)).toEqual([SUM.a]);
      expect(rounded((await t.run([{ id: 'a' }])).rows)).toEqual([SUM.a]);
      expect(globalThis.__mlpFetches).toBe(1);
      expect(globalThis.__mlpRows).toBe(2);
      expect([t.tally('miss'), t.tally('hit')]).toEqual([1, 1]);
    } finally {
      await t.repo.close();
    }
  });

  it('entries are per id: other fields of the instance do not matter, other ids are other entries', async () => {
    const t = setUp([byId()]);
    try {
      await t.run([{ id: 'a' }]);
      const value = await t.run([{ id: 'b' }, { id: 'a', requestedAt: '2026-11-21T10:00:00Z' }, { id: 'c' }]);
      expect(rounded(value.rows)).toEqual([SUM.b, SUM.a, SUM.c]);
      expect(globalThis.__mlpFetches).toBe(3); // a once, then b and c
      expect([t.tally('miss'), t.tally('hit')]).toEqual([3, 1]);
    } finally {
      await t.repo.close();
    }
  });

  it('a new version of the fetch model is a miss (its version is in the key)', async () => {
    const t = setUp([byId()]);
    const v1 = fetchHost.current;
    try {
      await t.run([{ id: 'd' }]);
      await t.run([{ id: 'd' }]);
      expect(globalThis.__mlpFetches).toBe(1);
      fetchHost.swap(await loadModel(await readPackage(FETCH), { version: '2' }));
      expect(rounded((await t.run([{ id: 'd' }])).rows)).toEqual([SUM.d]);
      expect(globalThis.__mlpFetches).toBe(2);
    } finally {
      fetchHost.swap(await loadModel(await readPackage(FETCH), { version: v1.version }));
      await t.repo.close();
    }
  });

  it('an instance without the key field is refused with 400 CACHE_KEY_MISSING, naming it', async () => {
    const t = setUp([byId({ key: 'image.id' })]);
    try {
      const err: unknown = await t.run([{ image: { id: 'a' } }, { image: {} }]).catch((e: unknown) => e);
      expect(isMlError(err) && [err.code, err.status]).toEqual(['CACHE_KEY_MISSING', 400]);
      expect((err as Error).message).toContain('instance 1 has no "image.id"');
      expect((err as Error).message).toContain('graph/steps/0');
      expect(globalThis.__mlpFetches).toBeUndefined();
    } finally {
      await t.repo.close();
    }
  });

  it('store: sqlite keeps the entries across a restart of the repository', async () => {
    const entries = [byId({ store: 'sqlite', path: 'restart.sqlite' })];
    const first = setUp(entries);
    await first.run([{ id: 'a' }, { id: 'b' }]);
    await first.repo.close(); // the SQLite write is done before the answer (synchronous driver), so nothing is lost here
    const second = setUp(entries);
    try {
      expect(rounded((await second.run([{ id: 'b' }, { id: 'a' }])).rows)).toEqual([SUM.b, SUM.a]);
      expect(globalThis.__mlpFetches).toBe(2); // only the first repository fetched
      expect(second.tally('hit')).toBe(2);
      await second.repo.replace(entries); // a parameter reload reopens the same file
      await second.run([{ id: 'a' }]);
      expect([globalThis.__mlpFetches, second.tally('hit')]).toEqual([2, 3]);
    } finally {
      await second.repo.close();
    }
  });

  it('inside the cache, `input` is the misses and there is no previous step (a map reads what the key sees)', async () => {
    // The fetch model takes bare ids here: the map picks them from the cache's own input.
    const t = setUp([byId({}, pipeline([map({ from: 'input', field: 'id' }), model('fetch')]))]);
    try {
      await t.run([{ id: 'a' }]);
      const value = await t.run([{ id: 'a' }, { id: 'c' }]); // only c runs inside: its input must be [c], not [a, c]
      expect(rounded(value.rows)).toEqual([SUM.a, SUM.c]);
      expect(globalThis.__mlpFetches).toBe(2);
    } finally {
      await t.repo.close();
    }
  });

  it('config: `key` must be a dot path and `path` needs store: sqlite', () => {
    const services = (graph: Record<string, unknown>) => [{ name: 's', graph: { type: 'cache', input: { type: 'model', model: 'm' }, ...graph } }];
    const problems = (graph: Record<string, unknown>): string => {
      try {
        resolveConfig({ models: [{ name: 'm', path: COUNTING }], services: services(graph) });
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(problems({ key: 'image.id', store: 'sqlite', path: 'c.sqlite' })).toBe('');
    expect(problems({ key: 'image..id' })).toContain('must be a dot path');
    expect(problems({ path: 'c.sqlite' })).toContain('"path" needs store: sqlite');
  });

  it('warmCache fills the entries requests look up; present and failed instances are counted', async () => {
    const node = cache(model('fetch'), { key: 'id', store: 'sqlite', path: 'warm.sqlite' });
    const t = setUp([service('by-id', pipeline([node, model('counting')]))]);
    try {
      const warm = (instances: unknown[]) => t.repo.warmCache(node, instances, { requestId: 'w', runModel: leaseRunner(models) });
      const first = await warm([{ id: 'a' }, { id: 'b' }, { id: 'zzz' }, { noId: 1 }, { id: 'a' }]);
      expect([first.warmed, first.present, first.failed]).toEqual([2, 1, 2]); // the repeated a is present; zzz and noId fail
      expect(first.errors).toEqual([expect.stringMatching(/instance 3 has no "id".*CACHE_KEY_MISSING/), expect.stringMatching(/^instance 2: .*unknown id "zzz"/)]);
      const again = await warm([{ id: 'a' }, { id: 'b' }]);
      expect([again.warmed, again.present, again.failed]).toEqual([0, 2, 0]);
      const fetched = globalThis.__mlpFetches;
      expect(rounded((await t.run([{ id: 'b' }, { id: 'a' }])).rows)).toEqual([SUM.b, SUM.a]);
      expect(globalThis.__mlpFetches).toBe(fetched); // served from the warmed entries
      expect(t.tally('miss')).toBe(0);
    } finally {
      await t.repo.close();
    }
  });
});
