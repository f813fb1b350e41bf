import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/app/serve.js';
import { loadConfigFile } from '../../src/config/load-config.js';
import { runCli } from '../helpers/cli.js';
import { metricValue } from '../helpers/example.js';
import { IRIS_EXAMPLE, REPO_ROOT } from '../helpers/fixtures.js';
import { postJson } from '../helpers/server.js';

// Runs the built CLI (dist/): `npm run build` first.
const FETCH = path.join(REPO_ROOT, 'test/fixtures/counting-fetch-model'); // id → features; counts ids in globalThis.__mlpFetches

declare global {
  var __mlpFetches: number | undefined;
}

const CONFIG = `
storage: { stateDir: state }
models:
  - { name: fetch, path: ${JSON.stringify(FETCH)} }
  - { name: iris, path: ${JSON.stringify(IRIS_EXAMPLE)} }
services:
  - name: by-id
    graph:
      type: pipeline
      steps:
        - { type: cache, key: id, store: sqlite, path: warm.sqlite, input: { type: model, model: fetch } }
        - { type: model, model: iris }
  - name: in-memory
    graph: { type: cache, key: id, input: { type: model, model: fetch } }
`;

describe('mlpatterns cache warm', () => {
  let dir: string;
  let config: string;
  const warm = (...args: string[]) => runCli(['cache', 'warm', config, ...args]);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mlp-cache-warm-'));
    config = path.join(dir, 'mlpatterns.yaml');
    await writeFile(config, CONFIG);
    const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd' }, { id: 'a' }, { id: 'zzz' }];
    await writeFile(path.join(dir, 'ids.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
    await writeFile(path.join(dir, 'ids.csv'), 'id\na\nb\nc\nd\n');
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('fills the SQLite file a server then answers from, with no fetch', async () => {
    const first = await warm('--service', 'by-id', '--dataset', path.join(dir, 'ids.jsonl'), '--batch', '4');
    expect(first.stdout).toBe('warmed 4 entries, 1 already present, 1 failed\n');
    expect(first.stderr).toContain('6/6 rows');
    expect(first.stderr).toMatch(/instance 5: .*unknown id "zzz"/);
    expect(first.code).toBe(1); // a failed row is worth a non-zero exit

    const again = await warm('--service', 'by-id', '--node', 'graph/steps/0', '--dataset', path.join(dir, 'ids.csv'));
    expect([again.stdout, again.code]).toEqual(['warmed 0 entries, 4 already present, 0 failed\n', 0]);

    const server = await startServer(
      { ...(await loadConfigFile(config)), server: { host: '127.0.0.1', port: 0, bodyLimit: 1 << 20, shutdownGraceMs: 0, logLevel: 'silent' } },
      { logger: false },
    );
    try {
      globalThis.__mlpFetches = undefined;
      const res = await postJson<{ predictions: number[][]; labels: string[] }>(`${server.url}/v1/services/by-id/predict`, {
        instances: [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd' }],
      });
      expect(res.status).toBe(200);
      expect(res.body.labels).toEqual(['setosa', 'virginica', 'versicolor', 'virginica']);
      expect(globalThis.__mlpFetches).toBeUndefined(); // the fetch model never ran in the server
      const metrics = await (await request(`${server.url}/metrics`)).body.text();
      const sample = (result: string) => metricValue(metrics, 'mlpatterns_cache_requests_total', { service: 'by-id', result });
      expect([sample('hit'), sample('miss')]).toEqual([4, 0]);
    } finally {
      await server.close();
    }
  });

  it('refuses a memory store, a node that is not a cache node, and an unreadable dataset', async () => {
    await writeFile(path.join(dir, 'broken.jsonl'), '{"id": "a"}\n{"id": \n');
    const csv = path.join(dir, 'ids.csv');
    const [memory, notCache, missing, broken] = await Promise.all([
      warm('--service', 'in-memory', '--dataset', csv),
      warm('--service', 'by-id', '--node', 'graph/steps/1', '--dataset', csv),
      warm('--service', 'by-id', '--dataset', path.join(dir, 'missing.jsonl')),
      warm('--service', 'by-id', '--dataset', path.join(dir, 'broken.jsonl')),
    ]);
    for (const res of [memory, notCache, missing, broken]) expect(res.code).not.toBe(0);
    expect(memory.stderr).toContain('uses store: memory, which lives inside the server process');
    expect(memory.stderr).toContain('use store: sqlite or store: redis');
    expect(notCache.stderr).toContain('graph/steps/1 is not a cache node of service "by-id" (its cache nodes: graph/steps/0)');
    expect(missing.stderr).toContain('cannot read the dataset');
    expect(broken.stderr).toContain('broken.jsonl:2: not valid JSON');
  });
});
