import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/app/serve.js';
import { resolveConfig } from '../../src/config/load-config.js';
import { IRIS_EXAMPLE, expected } from '../helpers/fixtures.js';
import { postJson } from '../helpers/server.js';

const SHIFTED = expected.inputs.map((row) => row.map((v, j) => (j === 2 ? v + 3 : v)));

async function metricsText(url: string): Promise<string> {
  const res = await request(`${url}/metrics`);
  return res.body.text();
}

describe('monitors inside serve export gauges on /metrics', () => {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'mlp-serve-monitors-'));
  let server: RunningServer;
  beforeAll(async () => {
    const config = resolveConfig({
      server: { host: '127.0.0.1', port: 0, logLevel: 'silent' },
      storage: { stateDir },
      models: [{ name: 'iris', path: IRIS_EXAMPLE }],
      logging: { predictions: { store: 'sqlite', flushMs: 10 } },
      // Every second (croner's seconds field), so the test waits about one tick.
      monitors: [{ name: 'iris-drift', model: 'iris', schedule: '* * * * * *', window: '1h', minSamples: 30, alerts: [{ name: 'petal', when: 'feature:petal_length drifted', sink: 'log' }] }],
    });
    server = await startServer(config, { logger: false });
  }, 30_000);
  afterAll(async () => {
    await server?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('the drift share, per-feature drift and active alerts appear after a tick', async () => {
    for (let i = 0; i < SHIFTED.length; i += 10) expect((await postJson(`${server.url}/v1/models/iris/predict`, { instances: SHIFTED.slice(i, i + 10) })).status).toBe(200);
    const deadline = Date.now() + 10_000;
    let text = '';
    while (!/mlpatterns_monitor_drift_share\{monitor="iris-drift",model="iris"\} 0\.25/.test(text)) {
      if (Date.now() > deadline) throw new Error(`no drift gauge in time:\n${text.split('\n').filter((l) => l.includes('monitor')).join('\n')}`);
      await new Promise((r) => setTimeout(r, 50));
      text = await metricsText(server.url);
    }
    expect(text).toMatch(/mlpatterns_monitor_feature_drifted\{monitor="iris-drift",model="iris",feature="petal_length"\} 1/);
    expect(text).toMatch(/mlpatterns_monitor_feature_drifted\{monitor="iris-drift",model="iris",feature="sepal_length"\} 0/);
    expect(text).toMatch(/mlpatterns_monitor_alert_active\{monitor="iris-drift",alert="petal"\} 1/);
    expect(text).toMatch(/mlpatterns_monitor_runs_total\{monitor="iris-drift",result="ok"\} [1-9]/);
  });
});
