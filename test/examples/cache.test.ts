import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/app/serve.js';
import { expected } from '../helpers/fixtures.js';
import { metricValue, serveExample } from '../helpers/example.js';
import { postJson } from '../helpers/server.js';

/** Prediction cache: a repeated input gets the identical answer without a model call, composed graphs included. */
describe('example: cache (prediction cache on a model and on an ensemble)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await serveExample('examples/cache/mlpatterns.yaml');
  });
  afterAll(() => server?.close());

  const metrics = async (): Promise<string> => (await fetch(`${server.url}/metrics`)).text();

  for (const [service, models] of [
    ['iris-cached', ['iris']],
    ['ensemble-cached', ['iris', 'iris-forest']],
  ] as const) {
    it(`${service}: a repeat is answered identically with no model call`, async () => {
      const instances = expected.inputs.slice(0, 20);
      const first = await postJson(`${server.url}/v1/services/${service}/predict`, { instances });
      expect(first.status).toBe(200);
      // The write is off the response path: wait until the entries are readable (every instance a hit) before counting.
      const deadline = Date.now() + 5000;
      let second = await postJson(`${server.url}/v1/services/${service}/predict`, { instances });
      let text = await metrics();
      const inferred = models.map((m) => metricValue(text, 'mlpatterns_inferences_total', { model: m }));
      while (metricValue(text, 'mlpatterns_cache_requests_total', { service, result: 'hit' }) < instances.length && Date.now() < deadline) {
        second = await postJson(`${server.url}/v1/services/${service}/predict`, { instances });
        text = await metrics();
      }
      expect(metricValue(text, 'mlpatterns_cache_requests_total', { service, result: 'hit' })).toBeGreaterThanOrEqual(instances.length);
      const third = await postJson(`${server.url}/v1/services/${service}/predict`, { instances });
      const after = await metrics();
      expect(models.map((m) => metricValue(after, 'mlpatterns_inferences_total', { model: m }))).toEqual(
        models.map((m) => metricValue(text, 'mlpatterns_inferences_total', { model: m })),
      );
      expect(third.body['predictions']).toEqual(first.body['predictions']);
      expect(second.body['predictions']).toEqual(first.body['predictions']);
      expect(inferred.every((n) => n >= instances.length)).toBe(true);
    });
  }
});
