import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/app/serve.js';
import { loadConfigFile } from '../../src/config/load-config.js';
import { metricValue } from '../helpers/example.js';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { postJson } from '../helpers/server.js';

const EXAMPLE = path.join(REPO_ROOT, 'examples/data-cache');

/** The example's feature table: id → the four raw measurements. */
function featureTable(): Map<string, number[]> {
  const [, ...lines] = readFileSync(path.join(EXAMPLE, 'features.csv'), 'utf8').trim().split('\n');
  return new Map(lines.map((line) => {
    const [id = '', ...cells] = line.split(',');
    return [id, cells.slice(0, 4).map(Number)];
  }));
}

let server: RunningServer;
let stateDir: string;

beforeAll(async () => {
  const config = await loadConfigFile(path.join(EXAMPLE, 'mlpatterns.yaml'));
  // A fresh cache file per run: the example's own (.mlpatterns/ beside it) may hold entries from earlier runs.
  stateDir = mkdtempSync(path.join(tmpdir(), 'mlp-example-data-cache-'));
  server = await startServer(
    { ...config, storage: { ...config.storage, stateDir }, server: { ...config.server, host: '127.0.0.1', port: 0, logLevel: 'silent' } },
    { logger: false },
  );
});

afterAll(async () => {
  await server?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

const cacheSample = async (result: string): Promise<number> =>
  metricValue(await (await request(`${server.url}/metrics`)).body.text(), 'mlpatterns_cache_requests_total', { service: 'iris-by-id', result });

describe('examples/data-cache', () => {
  it('predictions by id equal the iris model on the raw features; a repeat is a cache hit', async () => {
    const table = featureTable();
    const ids = ['iris-001', 'iris-076', 'iris-146'];
    const direct = await postJson<{ predictions: unknown[]; labels: string[] }>(`${server.url}/v1/models/iris/predict`, {
      instances: ids.map((id) => table.get(id)),
    });
    const byId = await postJson<{ predictions: unknown[]; labels: string[] }>(`${server.url}/v1/services/iris-by-id/predict`, {
      instances: ids.map((id) => ({ id })),
    });
    expect(byId.status).toBe(200);
    expect(byId.body.predictions).toEqual(direct.body.predictions);
    expect(byId.body.labels).toEqual(['setosa', 'versicolor', 'virginica']);
    expect([await cacheSample('miss'), await cacheSample('hit')]).toEqual([3, 0]);

    const again = await postJson<{ predictions: unknown[] }>(`${server.url}/v1/services/iris-by-id/predict`, { instances: [{ id: 'iris-146' }] });
    expect(again.body.predictions).toEqual([direct.body.predictions[2]]);
    expect([await cacheSample('miss'), await cacheSample('hit')]).toEqual([3, 1]);
  });

  it('an instance without an id is a 400 CACHE_KEY_MISSING; an unknown id a 400 from the lookup', async () => {
    const missing = await postJson(`${server.url}/v1/services/iris-by-id/predict`, { instances: [{ name: 'iris-001' }] });
    expect([missing.status, missing.body.code]).toEqual([400, 'CACHE_KEY_MISSING']);
    const unknown = await postJson(`${server.url}/v1/services/iris-by-id/predict`, { instances: [{ id: 'iris-999' }] });
    expect([unknown.status, unknown.body.code]).toEqual([400, 'INVALID_REQUEST']);
    expect(unknown.body.error).toContain('iris-999');
  });
});
