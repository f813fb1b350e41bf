import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load-config.js';
import { isMlError } from '../../src/errors/ml-error.js';
import { readPackage } from '../../src/package/read-package.js';
import { loadModel } from '../../src/serving/load-model.js';
import { ModelHost } from '../../src/serving/model-host.js';
import { ModelRepository } from '../../src/serving/model-repository.js';
import { lookup, map, model, pipeline, service } from '../../src/services/builders.js';
import { leaseRunner } from '../../src/services/model-runner.js';
import type { LookupEvent } from '../../src/services/run-context.js';
import type { LookupNode } from '../../src/services/schema.js';
import { ServiceRepository } from '../../src/services/service-repository.js';
import { requirePostgres, TEST_POSTGRES_URL } from '../helpers/postgres.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const COUNTING = path.join(HERE, '../fixtures/counting-model'); // row sums; counts rows in globalThis.__mlpRows

declare global {
  var __mlpRows: number | undefined;
}

const postgres = await requirePostgres('lookup');
const TABLE = `lookup_test_${process.pid}_${Date.now()}`;
let stateDir: string;
let models: ModelRepository;

/** Live inference: the instance's features summed (counting-model), so a live answer is recognisable. */
const LIVE = pipeline([map({ field: 'features' }), model('counting')]);

/** The table a batch run writes (`batch run --key id --output …?table=T`): key as text, prediction as JSON. */
const BATCH_TABLE = (json: string) => `CREATE TABLE ${TABLE} (id TEXT PRIMARY KEY, prediction ${json}, label TEXT, run_id TEXT, updated_at TEXT)`;

beforeAll(async () => {
  stateDir = mkdtempSync(path.join(tmpdir(), 'mlp-lookup-'));
  models = new ModelRepository();
  models.add('counting', new ModelHost(await loadModel(await readPackage(COUNTING))));
  const db = new Database(path.join(stateDir, 'results.db'));
  db.exec(BATCH_TABLE('TEXT'));
  const insert = db.prepare(`INSERT INTO ${TABLE} (id, prediction, label) VALUES (?, ?, ?)`);
  insert.run('a', JSON.stringify([0.9, 0.1]), 'setosa');
  insert.run('b', JSON.stringify([0.2, 0.8]), 'versicolor');
  insert.run('nulled', null, null);
  insert.run('7', '0.7', null);
  db.close();
  if (postgres.available) {
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await client.connect();
    await client.query(BATCH_TABLE('JSONB'));
    await client.query(`INSERT INTO ${TABLE} (id, prediction, label) VALUES ('a', '[0.9, 0.1]', 'setosa'), ('b', '[0.2, 0.8]', 'versicolor'), ('nulled', NULL, NULL), ('7', '0.7', NULL)`);
    await client.end();
  }
});

afterAll(async () => {
  await models.close();
  rmSync(stateDir, { recursive: true, force: true });
  if (postgres.available) {
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await client.connect();
    await client.query(`DROP TABLE IF EXISTS ${TABLE}`);
    await client.end();
  }
});

afterEach(() => {
  globalThis.__mlpRows = undefined;
});

function setUp(node: LookupNode) {
  const events: LookupEvent[] = [];
  const repo = new ServiceRepository([service('by-id', node)], { stateDir, onLookup: (e) => events.push(e) });
  const run = (instances: unknown[]) => repo.run('by-id', instances, { requestId: 'r1', runModel: leaseRunner(models) });
  const tally = (result: LookupEvent['result']) => events.filter((e) => e.result === result).reduce((n, e) => n + e.count, 0);
  return { repo, run, tally };
}

const SOURCES = [
  { name: 'SQLite', skip: false, source: `sqlite:results.db?table=${TABLE}` },
  { name: 'PostgreSQL', skip: !postgres.available, source: `${TEST_POSTGRES_URL}?table=${TABLE}` },
];

for (const { name, skip, source } of SOURCES) {
  describe.skipIf(skip)(`lookup on ${name} ${skip ? postgres.reason : ''}`, () => {
    it('answers known keys from the table and sends misses to the fallback together, in request order', async () => {
      const t = setUp(lookup({ source, key: 'id' }, LIVE));
      try {
        const value = await t.run([
          { id: 'b', features: [1, 1, 1, 1] },
          { id: 'zz', features: [1, 2, 3, 4] },
          { id: 'a', features: [0, 0, 0, 0] },
          { id: 'nulled', features: [5, 5, 5, 5] },
        ]);
        expect(value.rows).toEqual([[0.2, 0.8], 10, [0.9, 0.1], 20]);
        expect(value.extras?.source).toEqual(['batch', 'live', 'batch', 'live']);
        // One fallback call for both misses; the hits never reached the model.
        expect(globalThis.__mlpRows).toBe(2);
        expect([t.tally('hit'), t.tally('miss'), t.tally('error')]).toEqual([2, 2, 0]);
      } finally {
        await t.repo.close();
      }
    });

    it('keeps the stored labels when every instance is a hit', async () => {
      const t = setUp(lookup({ source, key: 'id' }, LIVE));
      try {
        const value = await t.run([{ id: 'a' }, { id: 'b' }, { id: 'a' }]);
        expect(value.labels).toEqual(['setosa', 'versicolor', 'setosa']);
        expect(value.extras?.source).toEqual(['batch', 'batch', 'batch']);
        expect(globalThis.__mlpRows).toBeUndefined();
      } finally {
        await t.repo.close();
      }
    });

    it('reads the key at a dot path, and numeric keys as their text (the batch output stores keys as text)', async () => {
      const t = setUp(lookup({ source, key: 'customer.id' }, LIVE));
      try {
        const value = await t.run([{ customer: { id: 'a' } }, { customer: { id: 7 } }]);
        expect(value.rows).toEqual([[0.9, 0.1], 0.7]);
        expect(value.extras?.source).toEqual(['batch', 'batch']);
      } finally {
        await t.repo.close();
      }
    });

    it('refuses an instance without the key with LOOKUP_KEY_MISSING (400), naming the instance', async () => {
      const t = setUp(lookup({ source, key: 'id' }, LIVE));
      try {
        const err: unknown = await t.run([{ id: 'a' }, { features: [1, 2, 3, 4] }]).catch((e: unknown) => e);
        expect(isMlError(err) && err.code).toBe('LOOKUP_KEY_MISSING');
        expect(isMlError(err) && err.status).toBe(400);
        expect(String((err as Error).message)).toContain('instance 1');
      } finally {
        await t.repo.close();
      }
    });

    it('writes live answers back when asked, so the next request is a hit', async () => {
      const t = setUp(lookup({ source, key: 'id', writeBack: true }, LIVE));
      const key = `wb-${name}`;
      try {
        expect((await t.run([{ id: key, features: [1, 1, 1, 2] }])).extras?.source).toEqual(['live']);
        await expect.poll(async () => (await t.run([{ id: key, features: [9, 9, 9, 9] }])).rows, { timeout: 15_000, interval: 20 }).toEqual([5]);
        expect((await t.run([{ id: key }])).extras?.source).toEqual(['batch']);
      } finally {
        await t.repo.close();
      }
    });
  });
}

describe('lookup when the table cannot be read', () => {
  it('serves every instance live (fail-open) and counts the error, for a database that is down', async () => {
    // Nothing listens on port 1: the connection is refused at once.
    const t = setUp(lookup({ source: `postgres://postgres@127.0.0.1:1/test?table=${TABLE}`, key: 'id', timeoutMs: 500 }, LIVE));
    try {
      const value = await t.run([{ id: 'a', features: [1, 1, 1, 1] }, { id: 'b', features: [2, 2, 2, 2] }]);
      expect(value.rows).toEqual([4, 8]);
      expect(value.extras?.source).toEqual(['live', 'live']);
      expect(t.tally('error')).toBe(2);
    } finally {
      await t.repo.close();
    }
  });

  it('serves live while the SQLite file does not exist yet, and from the table once it does', async () => {
    const file = `later-${Date.now()}.db`;
    const t = setUp(lookup({ source: `sqlite:${file}?table=results`, key: 'id' }, LIVE));
    try {
      expect((await t.run([{ id: 'a', features: [1, 1, 1, 1] }])).extras?.source).toEqual(['live']);
      const db = new Database(path.join(stateDir, file));
      db.exec("CREATE TABLE results (id TEXT PRIMARY KEY, prediction TEXT); INSERT INTO results VALUES ('a', '0.5')");
      db.close();
      const value = await t.run([{ id: 'a', features: [1, 1, 1, 1] }]);
      expect(value.rows).toEqual([0.5]);
      expect(value.extras?.source).toEqual(['batch']);
    } finally {
      await t.repo.close();
    }
  });
});

describe('lookup config', () => {
  const config = (graph: unknown) => () =>
    resolveConfig({ models: [{ name: 'counting', path: COUNTING }], services: [{ name: 's', graph }] });

  it('accepts a lookup with a fallback', () => {
    expect(config({ type: 'lookup', source: 'sqlite:r.db?table=t', key: 'id', fallback: { type: 'model', model: 'counting' } })).not.toThrow();
  });

  it.each([
    [{ type: 'lookup', source: 'mysql://h/db?table=t', key: 'id', fallback: { type: 'model', model: 'counting' } }, 'postgres://…?table=T'],
    [{ type: 'lookup', source: 'sqlite:r.db', key: 'id', fallback: { type: 'model', model: 'counting' } }, 'postgres://…?table=T'],
    [{ type: 'lookup', source: 'sqlite:r.db?table=t;drop', key: 'id', fallback: { type: 'model', model: 'counting' } }, 'postgres://…?table=T'],
    [{ type: 'lookup', source: 'sqlite:r.db?table=t', key: 'id', column: 'a b', fallback: { type: 'model', model: 'counting' } }, 'column name'],
    [{ type: 'lookup', source: 'sqlite:r.db?table=t', key: 'id' }, 'fallback'],
    [{ type: 'lookup', source: 'sqlite:r.db?table=t', key: 'id', fallback: { type: 'model', model: 'nope' } }, 'unknown model "nope"'],
  ])('refuses %j', (graph, message) => {
    expect(config(graph)).toThrow(message);
  });
});
