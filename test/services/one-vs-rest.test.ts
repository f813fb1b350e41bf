import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/app/serve.js';
import { loadConfigFile } from '../../src/config/load-config.js';
import { REPO_ROOT, expected } from '../helpers/fixtures.js';
import { getJson, postJson } from '../helpers/server.js';

/**
 * Issue 4's Done-when for the parallel and parameter-based patterns: the
 * reference one-vs-rest models, served as one parallel service with threshold
 * parameters, give per-species probabilities and 0/1 flags.
 */
const EXAMPLE = path.join(REPO_ROOT, 'examples/one-vs-rest/mlpatterns.yaml');
const SPECIES = ['setosa', 'versicolor', 'virginica'] as const;
const DEFAULT_THRESHOLDS = { setosa: 0.9, versicolor: 0.85, virginica: 0.95 };

type Flagged = Record<string, { score: number; flag: number }>;
type ServiceAnswer = { predictions: Flagged[]; keys?: string[]; service: string; request_id: string; partial?: boolean };

async function serveExample(env: NodeJS.ProcessEnv): Promise<RunningServer> {
  const config = await loadConfigFile(EXAMPLE, env);
  return startServer({ ...config, server: { ...config.server, host: '127.0.0.1', port: 0, logLevel: 'silent' } }, { logger: false });
}

function expectSpecies(predictions: readonly Flagged[], thresholds: Record<string, number>, species: readonly string[]): void {
  expect(predictions).toHaveLength(expected.inputs.length);
  predictions.forEach((row, i) => {
    expect(Object.keys(row).sort()).toEqual([...species].sort());
    for (const s of species) {
      const want = expected[`iris_svc_0_${s}` as 'iris_svc_0_setosa'][i]?.[0] ?? NaN;
      const got = row[s];
      expect(Math.abs((got?.score ?? NaN) - want)).toBeLessThan(1e-4);
      // The flag is computed from the served probability (float32), which is what the threshold sees.
      expect(got?.flag).toBe((got?.score ?? 0) >= (thresholds[s] ?? NaN) ? 1 : 0);
    }
  });
}

describe('examples/one-vs-rest as a parallel service', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await serveExample({});
  });
  afterAll(async () => server.close());

  it('returns each species probability (class 0 of its model) and its flag for all fixture inputs', async () => {
    const keys = expected.inputs.map((_, i) => `row-${i}`);
    const res = await postJson<ServiceAnswer>(`${server.url}/v1/services/one-vs-rest/predict`, { instances: expected.inputs, keys });
    expect(res.status).toBe(200);
    expectSpecies(res.body.predictions, DEFAULT_THRESHOLDS, SPECIES);
    expect(res.body.keys).toEqual(keys);
    expect(res.body.service).toBe('one-vs-rest');
    expect(res.body.request_id).toBe(res.headers['x-request-id']);
    expect(res.body.partial).toBeUndefined();
    // The reference row [5.1, 3.5, 1.4, 0.2] is a setosa, confidently.
    expect(res.body.predictions[0]?.setosa?.flag).toBe(1);
    expect(res.body.predictions[0]?.virginica?.flag).toBe(0);
  });

  it('describes the graph and the health of the models it uses', async () => {
    const list = await getJson<{ services: { name: string; ready: boolean }[] }>(`${server.url}/v1/services`);
    expect(list.body.services).toEqual([expect.objectContaining({ name: 'one-vs-rest', ready: true })]);
    const one = await getJson<{ graph: { type: string }; ready: boolean; models: { name: string; ready: boolean; version: string }[] }>(
      `${server.url}/v1/services/one-vs-rest`,
    );
    expect(one.status).toBe(200);
    expect(one.body.graph.type).toBe('parallel');
    expect(one.body.ready).toBe(true);
    expect(one.body.models.map((m) => m.name)).toEqual(['iris-setosa', 'iris-versicolor', 'iris-virginica']);
    expect(one.body.models.every((m) => m.ready && m.version === '1')).toBe(true);
  });

  it('answers 404 SERVICE_NOT_FOUND for an unknown service', async () => {
    const res = await postJson(`${server.url}/v1/services/nope/predict`, { instances: [[1, 2, 3, 4]] });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('SERVICE_NOT_FOUND');
    expect((await getJson(`${server.url}/v1/services/nope`)).status).toBe(404);
  });

  it('reports a malformed instance as the client error it is, not a branch failure', async () => {
    const res = await postJson(`${server.url}/v1/services/one-vs-rest/predict`, { instances: [[1, 2, 3]] });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_SHAPE');
  });
});

describe('one-vs-rest parameters from the environment', () => {
  let server: RunningServer;
  const thresholds = { ...DEFAULT_THRESHOLDS, setosa: 0.99, virginica: 0.5 };
  beforeAll(async () => {
    server = await serveExample({ THRESHOLD_SETOSA: '0.99', THRESHOLD_VIRGINICA: '0.5', ACTIVE_VERSICOLOR: 'false' });
  });
  afterAll(async () => server.close());

  it('uses the overridden thresholds and leaves the switched-off branch out', async () => {
    const res = await postJson<ServiceAnswer>(`${server.url}/v1/services/one-vs-rest/predict`, { instances: expected.inputs });
    expect(res.status).toBe(200);
    expectSpecies(res.body.predictions, thresholds, ['setosa', 'virginica']);
    // 0.9825 ≥ 0.9 by default, but not ≥ 0.99: the override changed the answer.
    expect(res.body.predictions[0]?.setosa?.flag).toBe(0);
    expect(res.body.partial).toBeUndefined(); // switched off is not failed
  });
});
