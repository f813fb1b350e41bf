import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/app/serve.js';
import { resolveConfig } from '../../src/config/load-config.js';
import type { Config, ConfigInput } from '../../src/config/schema.js';
import { isMlError } from '../../src/errors/ml-error.js';
import { MonitorRunner } from '../../src/monitoring/monitor-runner.js';
import type { PredictionRecord } from '../../src/ports/event-log.js';
import { FIXTURES, IRIS_EXAMPLE, expected } from '../helpers/fixtures.js';
import { getJson, postJson } from '../helpers/server.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

const IN_DISTRIBUTION = expected.inputs;
/** Petal length (feature 2) moved by +3 cm: the covariate shift the monitor must see. */
const SHIFTED = expected.inputs.map((row) => row.map((v, j) => (j === 2 ? v + 3 : v)));

const stateDir = mkdtempSync(path.join(tmpdir(), 'mlp-monitor-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

function config(extra: Pick<ConfigInput, 'monitors' | 'triggers'>): Config {
  return resolveConfig({
    server: { host: '127.0.0.1', port: 0, logLevel: 'silent' },
    storage: { stateDir },
    models: [
      { name: 'iris', path: IRIS_EXAMPLE },
      { name: 'iris_shifted', path: IRIS_EXAMPLE },
      { name: 'iris_ocs', path: path.join(FIXTURES, 'iris_ocs.onnx') },
    ],
    logging: { predictions: { store: 'sqlite', flushMs: 10 } },
    ...extra,
  });
}

/** Posts rows in batches of 10 and waits until the log holds every record (it is written off the request path). */
async function predict(url: string, model: string, rows: number[][]): Promise<PredictionRecord[]> {
  const ids: string[] = [];
  for (let i = 0; i < rows.length; i += 10) {
    const res = await postJson<{ request_id: string }>(`${url}/v1/models/${model}/predict`, { instances: rows.slice(i, i + 10) });
    expect(res.status).toBe(200);
    ids.push(res.body.request_id);
  }
  const deadline = Date.now() + 5000;
  for (;;) {
    const res = await getJson<{ records: PredictionRecord[] }>(`${url}/v1/logs?model=${model}&limit=1000`);
    const logged = res.body.records.filter((r) => ids.includes(r.request_id));
    if (logged.length === ids.length) return logged;
    if (Date.now() > deadline) throw new Error(`only ${logged.length}/${ids.length} records logged`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('drift monitor over the prediction log (real server, SQLite log, iris example baseline)', () => {
  let server: RunningServer;
  let hook: WebhookReceiver;
  let shiftedRecords: PredictionRecord[];
  beforeAll(async () => {
    server = await startServer(config({}), { logger: false });
    hook = await startWebhookReceiver();
    await predict(server.url, 'iris', IN_DISTRIBUTION);
    shiftedRecords = await predict(server.url, 'iris_shifted', SHIFTED);
  }, 30_000);
  afterAll(async () => {
    await server?.close();
    await hook?.close();
  });

  it('finds no drift on in-distribution inputs: KS per feature, p-values above 0.05', async () => {
    const runner = new MonitorRunner(config({ monitors: [{ name: 'iris-drift', model: 'iris', window: '1h', minSamples: 30 }] }));
    try {
      const [monitor] = runner.monitors();
      const run = await runner.runOnce(monitor!);
      expect(run.status).toBe('ok');
      expect(run.samples).toBe(IN_DISTRIBUTION.length);
      expect(run.drift.tested).toBe(4);
      expect(run.drift.driftShare).toBe(0);
      for (const f of run.drift.features) {
        expect(f).toMatchObject({ test: 'ks', threshold: 0.05, drifted: false, referenceSize: 105, currentSize: IN_DISTRIBUTION.length });
        expect(f.pValue).toBeGreaterThan(0.05);
      }
    } finally {
      await runner.close();
    }
  });

  it('finds drift on shifted petal length only, alerts the webhook once, does not repeat, then resolves', async () => {
    const monitors: ConfigInput['monitors'] = [
      {
        name: 'shifted-drift',
        model: 'iris_shifted',
        window: '1h',
        minSamples: 30,
        alerts: [
          { name: 'petal-length', when: 'feature:petal_length drifted', sink: 'webhook', url: hook.url },
          { when: 'drift_share > 0.3', sink: 'webhook', url: hook.url },
        ],
      },
    ];
    const runner = new MonitorRunner(config({ monitors }));
    try {
      const [monitor] = runner.monitors();
      const first = await runner.runOnce(monitor!);
      const petal = first.drift.features.find((f) => f.feature === 'petal_length');
      expect(petal).toMatchObject({ test: 'ks', drifted: true });
      expect(petal?.pValue).toBeLessThan(1e-6);
      expect(first.drift.features.filter((f) => f.drifted).map((f) => f.feature)).toEqual(['petal_length']);
      expect(first.drift.driftShare).toBe(0.25);
      expect(first.alerts).toEqual([
        { alert: 'petal-length', status: 'firing' },
        { alert: 'drift_share > 0.3', status: 'ok' },
      ]);
      expect(hook.bodies).toHaveLength(1);
      expect(hook.bodies[0]).toMatchObject({ monitor: 'shifted-drift', model: 'iris_shifted', alert: 'petal-length', status: 'firing', driftedFeatures: ['petal_length'] });

      const second = await runner.runOnce(monitor!);
      expect(second.alerts[0]).toEqual({ alert: 'petal-length', status: 'active' });
      expect(hook.bodies).toHaveLength(1);

      // In-distribution traffic after the shifted records; the window starts just after the last shifted one.
      const lastShifted = Math.max(...shiftedRecords.map((r) => Date.parse(r.timestamp)));
      while (Date.now() <= lastShifted + 1) await new Promise((r) => setImmediate(r));
      await predict(server.url, 'iris_shifted', IN_DISTRIBUTION);
      const now = new Date(lastShifted + 1 + 3_600_000);
      const third = await runner.runOnce(monitor!, now);
      expect(third.samples).toBe(IN_DISTRIBUTION.length);
      expect(third.drift.driftShare).toBe(0);
      expect(third.alerts[0]).toEqual({ alert: 'petal-length', status: 'resolved' });
      expect(hook.bodies.map((b) => b.status)).toEqual(['firing', 'resolved']);
    } finally {
      await runner.close();
    }
  });

  it('reports the outlier rate from the reference OneClassSVM and the latency SLO from logged latencies', async () => {
    const lines: string[] = [];
    const monitors: ConfigInput['monitors'] = [
      {
        name: 'iris-ops',
        model: 'iris',
        outlier: { model: 'iris_ocs' },
        latencySloMs: 1e-6,
        alerts: [
          { name: 'slo', when: 'latency_slo_violations > 0.01', sink: 'log' },
          { name: 'outliers', when: 'outlier_rate > 0.5', sink: 'log' },
        ],
      },
    ];
    const runner = new MonitorRunner(config({ monitors }), { sinks: { writeLog: (l) => void lines.push(l) } });
    try {
      const run = await runner.runOnce(runner.monitors()[0]!);
      const outliersInFixture = expected.iris_ocs_score.filter((s) => s < 0).length;
      expect(run.outliers).toEqual({ scored: IN_DISTRIBUTION.length, outliers: outliersInFixture, rate: outliersInFixture / IN_DISTRIBUTION.length, threshold: 0 });
      expect(run.metrics.outlier_rate).toBeLessThan(0.5);
      expect(run.operations).toMatchObject({ calls: Math.ceil(IN_DISTRIBUTION.length / 10), errorRate: 0, sloViolationRate: 1 });
      expect(run.operations.latencyMs?.p99).toBeGreaterThan(0);
      expect(run.alerts).toEqual([
        { alert: 'slo', status: 'firing' },
        { alert: 'outliers', status: 'ok' },
      ]);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/"msg":"alert slo firing"/);
    } finally {
      await runner.close();
    }
  });

  it('gives no verdict below minSamples and keeps alert state', async () => {
    const runner = new MonitorRunner(config({ monitors: [{ name: 'too-few', model: 'iris', minSamples: 10_000, alerts: [{ when: 'drift_share > 0', sink: 'log' }] }] }));
    try {
      const run = await runner.runOnce(runner.monitors()[0]!);
      expect(run.status).toBe('insufficient_data');
      expect(run.alerts).toEqual([{ alert: 'drift_share > 0', status: 'ok' }]);
      expect(run.drift.features.every((f) => f.skipped !== undefined)).toBe(true);
    } finally {
      await runner.close();
    }
  });

  it('rejects bad monitor config with CONFIG_INVALID naming the problem', () => {
    const attempt = (monitors: unknown): string => {
      try {
        config({ monitors: monitors as ConfigInput['monitors'] });
        return 'accepted';
      } catch (err) {
        expect(isMlError(err) && err.code).toBe('CONFIG_INVALID');
        return (err as Error).message;
      }
    };
    expect(attempt([{ name: 'm', model: 'iris', alerts: [{ when: 'drift_share >> 1', sink: 'log' }] }])).toMatch(/not a condition/);
    expect(attempt([{ name: 'm', model: 'nope' }])).toMatch(/no model "nope"/);
    expect(attempt([{ name: 'm', model: 'iris', window: '1 hour' }])).toMatch(/not a window/);
    expect(attempt([{ name: 'm', model: 'iris', alerts: [{ when: 'samples < 1', sink: 'webhook' }] }])).toMatch(/needs "url"/);
    expect(attempt([{ name: 'm', model: 'iris', schedule: 'every minute' }])).toMatch(/cron/);
  });
});
