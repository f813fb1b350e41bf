import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reloadServices } from '../../src/app/reload-services.js';
import type { RunningServer } from '../../src/app/serve.js';
import { resolveConfig } from '../../src/config/load-config.js';
import type { Config, ConfigInput } from '../../src/config/schema.js';
import { FIXTURES } from '../helpers/fixtures.js';
import { postJson, startTestServer } from '../helpers/server.js';

/** Parameter-based serving, reloaded: new thresholds and switches apply to a running server. */
const models: ConfigInput['models'] = [{ name: 'setosa', path: path.join(FIXTURES, 'iris_svc_0_setosa.onnx') }];
const graph = (threshold: number, active = true): NonNullable<ConfigInput['services']> => [
  { name: 'flag', graph: { type: 'threshold', threshold, column: 0, input: { type: 'model', model: 'setosa' }, active } },
];
const configWith = (services: ConfigInput['services'], extraModels: ConfigInput['models'] = []): Config => resolveConfig({ models: [...(models ?? []), ...(extraModels ?? [])], services });
const SETOSA = [[5.1, 3.5, 1.4, 0.2]];

describe('reloading services', () => {
  let server: RunningServer;
  let current: Config;
  beforeAll(async () => {
    server = await startTestServer(models, { services: graph(0.9) });
    current = configWith(graph(0.9));
  });
  afterAll(() => server?.close());

  const flag = async (): Promise<unknown> => (await postJson<{ predictions: { flag: number }[] }>(`${server.url}/v1/services/flag/predict`, { instances: SETOSA })).body.predictions[0]?.flag;

  it('applies a new threshold without a restart', async () => {
    expect(await flag()).toBe(1);
    const next = configWith(graph(0.999));
    const outcome = await reloadServices(server.services, server.repository.names(), next, current);
    current = next;
    expect(outcome).toEqual({ services: ['flag'], warnings: [] });
    expect(await flag()).toBe(0);
  });

  it('refuses services that use a model the server does not serve, and keeps the previous ones', async () => {
    const next = configWith([{ name: 'flag', graph: { type: 'model', model: 'versicolor' } }], [{ name: 'versicolor', path: path.join(FIXTURES, 'iris_svc_0_versicolor.onnx') }]);
    const refused = reloadServices(server.services, server.repository.names(), next, current);
    await expect(refused).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(refused).rejects.toThrow('unknown model "versicolor"');
    expect(await flag()).toBe(0); // still the 0.999 threshold
  });

  it('adds and removes services, and reports model changes it did not apply', async () => {
    const next = configWith([{ name: 'raw', graph: { type: 'model', model: 'setosa' } }], [{ name: 'versicolor', path: path.join(FIXTURES, 'iris_svc_0_versicolor.onnx') }]);
    const outcome = await reloadServices(server.services, server.repository.names(), next, current);
    expect(outcome.warnings).toEqual(['models are not reloaded (restart to apply): versicolor changed']);
    expect((await postJson(`${server.url}/v1/services/flag/predict`, { instances: SETOSA })).status).toBe(404);
    expect((await postJson(`${server.url}/v1/services/raw/predict`, { instances: SETOSA })).status).toBe(200);
  });
});
