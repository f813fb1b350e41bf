import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/app/serve.js';
import { expected, maxAbsDiff } from '../helpers/fixtures.js';
import { serveExample } from '../helpers/example.js';
import { postJson } from '../helpers/server.js';
import { request } from 'undici';

/** Condition-based serving: a rule on a header, a body field and the hour picks the model per request. */
type Answer = { predictions: number[][]; route: string };

async function call(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Answer }> {
  const res = await request(`${url}/v1/services/iris-tiered/predict`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.statusCode, body: (await res.body.json()) as Answer };
}

describe('example: condition (header, field + hour rules, per-route timeouts)', () => {
  let server: RunningServer;
  const instances = expected.inputs.slice(45, 60);
  let own: number[][];

  beforeAll(async () => {
    server = await serveExample('examples/condition/mlpatterns.yaml');
    own = (await postJson<{ predictions: number[][] }>(`${server.url}/v1/models/iris/predict`, { instances })).body.predictions;
  });
  afterAll(() => server?.close());

  it('serves gold-tier callers from the forest, whatever else the request says', async () => {
    const res = await call(server.url, { instances, region: 'eu' }, { 'x-tier': 'gold' });
    expect(res.status).toBe(200);
    expect(res.body.route).toBe('rules[0]');
    expect(maxAbsDiff(res.body.predictions, expected.iris_rf.slice(45, 60))).toBeLessThan(1e-5);
  });

  it('serves everyone else from the default route, the project model', async () => {
    const res = await call(server.url, { instances }, { 'x-tier': 'silver' });
    expect(res.body.route).toBe('default');
    expect(res.body.predictions).toEqual(own);
  });

  it('routes EU callers to the SVC only at night (UTC), by a body field and the hour', async () => {
    // The hour rule reads the server clock; which of the two answers is right depends on it.
    const hour = new Date().getUTCHours();
    const night = hour >= 22 || hour < 6;
    const res = await call(server.url, { instances, region: 'eu' });
    expect(res.body.route).toBe(night ? 'rules[1]' : 'default');
    if (night) expect(maxAbsDiff(res.body.predictions, expected.iris_svc.slice(45, 60))).toBeLessThan(1e-4);
    else expect(res.body.predictions).toEqual(own);
  });

  it('closes the night route with an environment parameter', async () => {
    const closed = await serveExample('examples/condition/mlpatterns.yaml', { NIGHT_ROUTE: 'false' });
    try {
      const res = await call(closed.url, { instances, region: 'eu' });
      expect(res.body.route).toBe('default');
    } finally {
      await closed.close();
    }
  });
});
