import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SqliteEventLog } from '../../src/adapters/sqlite/event-log.js';
import { monitorSchema, triggerSchema, type TriggerConfig } from '../../src/monitoring/schema.js';
import { runMonitor } from '../../src/monitoring/run-monitor.js';
import { changed } from '../../src/monitoring/triggers.js';
import { IRIS_EXAMPLE, expected } from '../helpers/fixtures.js';
import { record } from '../contract/event-log.contract.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

const baseline = (parseYaml(readFileSync(path.join(IRIS_EXAMPLE, 'mlpatterns.model.yaml'), 'utf8')) as { baseline: unknown }).baseline;
const SHIFTED = expected.inputs.map((row) => row.map((v, j) => (j === 2 ? v + 3 : v)));
const dir = mkdtempSync(path.join(tmpdir(), 'mlp-triggers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A SQLite prediction log holding one record per row, all inside the monitor's window. */
async function logOf(name: string, rows: number[][]): Promise<SqliteEventLog> {
  const log = new SqliteEventLog({ path: path.join(dir, `${name}.sqlite`) });
  await log.append(rows.map((row, i) => record({ request_id: `r-${i}`, inputs: [row], timestamp: new Date(Date.now() - 1000).toISOString() })));
  return log;
}

describe('retrain triggers', () => {
  let hook: WebhookReceiver;
  let shiftedLog: SqliteEventLog;
  beforeAll(async () => {
    hook = await startWebhookReceiver();
    shiftedLog = await logOf('shifted', SHIFTED);
  });
  afterAll(async () => {
    await hook.close();
    await shiftedLog.close();
  });

  it('a threshold trigger fires its webhook once while the condition holds', async () => {
    const monitor = monitorSchema.parse({ name: 'm-threshold', model: 'iris' });
    const trigger = triggerSchema.parse({ name: 'retrain', monitor: 'm-threshold', when: 'feature:petal_length drifted', action: { webhook: hook.url } });
    const options = { log: shiftedLog, baseline, stateDir: dir, triggers: [trigger] };
    expect((await runMonitor(monitor, options)).triggers).toEqual([{ trigger: 'retrain', status: 'fired' }]);
    expect((await runMonitor(monitor, options)).triggers).toEqual([{ trigger: 'retrain', status: 'holding' }]);
    expect(hook.bodies).toHaveLength(1);
    expect(hook.bodies[0]).toMatchObject({ trigger: 'retrain', metrics: { drift_share: 0.25, drifted_features: 1 } });
  });

  it('a change trigger compares against its baseline in the direction given, and runs a command', async () => {
    const monitor = monitorSchema.parse({ name: 'm-change', model: 'iris' });
    const marker = path.join(dir, 'trained');
    const up: TriggerConfig = triggerSchema.parse({ name: 'mean-up', monitor: 'm-change', metric: 'feature:petal_length.mean', direction: 'up', baselineChange: 0.05, baseline: 3.754286, action: { command: [process.execPath, '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, process.env.MLPATTERNS_TRIGGER)`] } });
    const down: TriggerConfig = triggerSchema.parse({ name: 'mean-down', monitor: 'm-change', metric: 'feature:petal_length.mean', direction: 'down', baselineChange: 0.05, baseline: 3.754286, action: { webhook: hook.url } });
    const run = await runMonitor(monitor, { log: shiftedLog, baseline, stateDir: dir, triggers: [up, down] });
    expect(run.triggers.map((t) => [t.trigger, t.status])).toEqual([['mean-up', 'fired'], ['mean-down', 'idle']]);
    expect(run.triggers[0]?.value).toBeGreaterThan(6);
    expect(JSON.parse(readFileSync(marker, 'utf8'))).toMatchObject({ trigger: 'mean-up', baseline: 3.754286 });
  });

  it('direction-aware change: up needs a rise of the share, down a fall; a zero baseline compares absolutely', () => {
    expect(changed(1.06, 1, 'up', 0.05)).toBe(true);
    expect(changed(1.04, 1, 'up', 0.05)).toBe(false);
    expect(changed(0.9, 1, 'up', 0.05)).toBe(false);
    expect(changed(0.94, 1, 'down', 0.05)).toBe(true);
    expect(changed(0.05, 0, 'up', 0.05)).toBe(true);
  });

  it('a trigger needs either "when" or "metric" with "baselineChange"', () => {
    expect(() => triggerSchema.parse({ name: 't', monitor: 'm', action: { webhook: 'http://x.test/' } })).toThrow(/give either .{1,3}when/);
    expect(() => triggerSchema.parse({ name: 't', monitor: 'm', when: 'drift_share > 0.1', metric: 'drift_share', baselineChange: 0.1, action: { command: ['true'] } })).toThrow(/give either .{1,3}when/);
  });
});

describe('alert sinks', () => {
  const receivers: WebhookReceiver[] = [];
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });

  it('retries a failing webhook and delivers once', async () => {
    const hook = await startWebhookReceiver({ failFirst: 2 });
    receivers.push(hook);
    const log = await logOf('retry', SHIFTED);
    try {
      const monitor = monitorSchema.parse({ name: 'm-retry', model: 'iris', alerts: [{ when: 'drift_share > 0.2', sink: 'webhook', url: hook.url, retries: 2 }] });
      const run = await runMonitor(monitor, { log, baseline, stateDir: dir, sinks: { retryDelayMs: 1 } });
      expect(run.alerts).toEqual([{ alert: 'drift_share > 0.2', status: 'firing' }]);
      expect(hook.hits()).toBe(3);
      expect(hook.bodies).toHaveLength(1);
    } finally {
      await log.close();
    }
  });

  it('keeps an undelivered alert unsent, so the next run tries again', async () => {
    const hook = await startWebhookReceiver({ failFirst: 1 });
    receivers.push(hook);
    const log = await logOf('undelivered', SHIFTED);
    try {
      const monitor = monitorSchema.parse({ name: 'm-undelivered', model: 'iris', alerts: [{ when: 'drift_share > 0.2', sink: 'webhook', url: hook.url, retries: 0 }] });
      const options = { log, baseline, stateDir: dir, sinks: { retryDelayMs: 1 } };
      const first = await runMonitor(monitor, options);
      expect(first.alerts[0]).toMatchObject({ status: 'ok', error: expect.stringMatching(/answered 500/) as unknown });
      expect((await runMonitor(monitor, options)).alerts).toEqual([{ alert: 'drift_share > 0.2', status: 'firing' }]);
      expect(hook.bodies).toHaveLength(1);
    } finally {
      await log.close();
    }
  });

  it('the log sink writes one JSON line per state change', async () => {
    const lines: string[] = [];
    const log = await logOf('logsink', SHIFTED);
    try {
      const monitor = monitorSchema.parse({ name: 'm-log', model: 'iris', alerts: [{ name: 'petal', when: 'feature:petal_length drifted', sink: 'log' }] });
      const options = { log, baseline, stateDir: dir, sinks: { writeLog: (l: string) => void lines.push(l) } };
      await runMonitor(monitor, options);
      await runMonitor(monitor, options);
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0] ?? '')).toMatchObject({ level: 'warn', msg: 'alert petal firing', monitor: 'm-log', driftedFeatures: ['petal_length'] });
    } finally {
      await log.close();
    }
  });
});
