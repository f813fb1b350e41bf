import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SqliteEventLog } from '../../src/adapters/sqlite/event-log.js';
import { openSqliteEvaluationStore } from '../../src/adapters/sqlite/evaluation-store.js';
import { resolveConfig } from '../../src/config/load-config.js';
import { evaluateAndStore } from '../../src/evaluation/store-evaluation.js';
import { MonitorRunner } from '../../src/monitoring/monitor-runner.js';
import { runMonitor } from '../../src/monitoring/run-monitor.js';
import { monitorSchema, triggerSchema } from '../../src/monitoring/schema.js';
import type { EvaluationStore } from '../../src/ports/evaluation-store.js';
import { IRIS_EXAMPLE } from '../helpers/fixtures.js';
import { loggedDay, type LoggedDay } from '../evaluation/logged-days.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

const DAY = 86_400_000;
/** Monitor runs happen the morning after the last logged day: the monitor's own 1h window is empty. */
const NOW = new Date('2026-03-04T06:00:00.000Z');
const GOOD = { day: '2026-03-02T00:00:00.000Z', predictions: 50, joined: 40, correct: 38, prefix: 'good' }; // accuracy 0.95
const BAD = { day: '2026-03-03T00:00:00.000Z', predictions: 50, joined: 40, correct: 32, prefix: 'bad' }; // accuracy 0.80

const dir = mkdtempSync(path.join(tmpdir(), 'mlp-eval-triggers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
/** A prediction log holding the given days and an evaluation store with their windows, stored as `eval run` stores them. */
async function evaluated(days: LoggedDay[]): Promise<{ log: SqliteEventLog; store: EvaluationStore; stateDir: string }> {
  const stateDir = path.join(dir, `case-${++counter}`);
  const log = new SqliteEventLog({ path: path.join(stateDir, 'predictions.sqlite') });
  await log.append(days.flatMap((d) => loggedDay(d)));
  const store = openSqliteEvaluationStore({ path: path.join(stateDir, 'mlpatterns.db') });
  await evaluateAndStore(log, store, { sinceMs: 7 * DAY, windowMs: DAY, until: NOW });
  return { log, store, stateDir };
}

const monitor = (evaluation: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => monitorSchema.parse({ name: 'quality', model: 'churn', evaluation, ...extra });

describe('monitors on stored evaluation metrics', () => {
  let hook: WebhookReceiver;
  const open: { close(): Promise<void> }[] = [];
  beforeAll(async () => {
    hook = await startWebhookReceiver();
  });
  afterEach(async () => {
    for (const o of open.splice(0)) await o.close();
    hook.bodies.splice(0);
  });
  afterAll(async () => {
    await hook.close();
  });

  const triggers = () => [
    triggerSchema.parse({ name: 'accuracy-down', monitor: 'quality', metric: 'accuracy', direction: 'down', baselineChange: 0.05, baseline: 0.95, action: { webhook: hook.url } }),
    triggerSchema.parse({ name: 'accuracy-up', monitor: 'quality', metric: 'accuracy', direction: 'up', baselineChange: 0.05, baseline: 0.95, action: { webhook: hook.url } }),
    triggerSchema.parse({ name: 'accuracy-floor', monitor: 'quality', when: 'accuracy < 0.9', action: { webhook: hook.url } }),
    // Reads drift: no verdict with an empty monitor window, so it is not evaluated at all.
    triggerSchema.parse({ name: 'drift', monitor: 'quality', when: 'drift_share > 0.5', action: { webhook: hook.url } }),
  ];

  it('a drop of the latest window\'s accuracy fires the "down" and threshold triggers, not the "up" one', async () => {
    const { log, store, stateDir } = await evaluated([GOOD, BAD]);
    open.push(log, store);
    const run = await runMonitor(monitor(), { log, baseline: undefined, stateDir, now: NOW, evaluations: store, triggers: triggers() });
    expect(run.status).toBe('insufficient_data');
    expect(run.evaluation).toMatchObject({ model: 'churn', version: '1', window_start: BAD.day, joined: 40 });
    expect(run.metrics).toMatchObject({ accuracy: 0.8, eval_joined: 40, eval_predictions: 50, feedback_rate: 0.8 });
    expect(run.metrics).not.toHaveProperty('drift_share');
    expect(run.triggers).toEqual([
      { trigger: 'accuracy-down', status: 'fired', value: 0.8, baseline: 0.95 },
      { trigger: 'accuracy-up', status: 'idle', value: 0.8, baseline: 0.95 },
      { trigger: 'accuracy-floor', status: 'fired' },
    ]);
    expect(hook.bodies.map((b) => b.trigger)).toEqual(['accuracy-down', 'accuracy-floor']);
    expect(hook.bodies[0]).toMatchObject({ value: 0.8, baseline: 0.95, metrics: { accuracy: 0.8 } });

    // Still bad at the next run: holding, not fired again.
    const again = await runMonitor(monitor(), { log, baseline: undefined, stateDir, now: NOW, evaluations: store, triggers: triggers() });
    expect(again.triggers.map((t) => t.status)).toEqual(['holding', 'idle', 'holding']);
    expect(hook.bodies).toHaveLength(2);
  });

  it('does not fire while accuracy holds up', async () => {
    const { log, store, stateDir } = await evaluated([GOOD, { ...GOOD, day: BAD.day, prefix: 'good2' }]);
    open.push(log, store);
    const run = await runMonitor(monitor(), { log, baseline: undefined, stateDir, now: NOW, evaluations: store, triggers: triggers() });
    expect(run.metrics.accuracy).toBe(0.95);
    expect(run.triggers.map((t) => [t.trigger, t.status])).toEqual([
      ['accuracy-down', 'idle'],
      ['accuracy-up', 'idle'],
      ['accuracy-floor', 'idle'],
    ]);
    expect(hook.bodies).toEqual([]);
  });

  it('passes over a window with too little feedback; with none left there is no verdict and a fired trigger stays fired', async () => {
    const thin = { ...BAD, joined: 5, correct: 1, prefix: 'thin' };
    const { log, store, stateDir } = await evaluated([GOOD, thin]);
    open.push(log, store);
    const floor = [triggerSchema.parse({ name: 'floor', monitor: 'quality', when: 'accuracy < 0.96', action: { webhook: hook.url } })];
    const run = await runMonitor(monitor({ minJoined: 30 }), { log, baseline: undefined, stateDir, now: NOW, evaluations: store, triggers: floor });
    expect(run.evaluation).toMatchObject({ window_start: GOOD.day });
    expect(run.triggers).toEqual([{ trigger: 'floor', status: 'fired' }]);

    const none = await runMonitor(monitor({ minJoined: 1000 }), { log, baseline: undefined, stateDir, now: NOW, evaluations: store, triggers: floor });
    expect(none.evaluation).toBeNull();
    expect(none.metrics).not.toHaveProperty('accuracy');
    expect(none.triggers).toEqual([{ trigger: 'floor', status: 'idle' }]);
    // The metric is back and still below the floor: the trigger did not clear, so it does not fire twice.
    expect((await runMonitor(monitor({ minJoined: 30 }), { log, baseline: undefined, stateDir, now: NOW, evaluations: store, triggers: floor })).triggers).toEqual([{ trigger: 'floor', status: 'holding' }]);
    expect(hook.bodies).toHaveLength(1);
  });

  it('alerts on an evaluation metric, naming the window it judged', async () => {
    const { log, store, stateDir } = await evaluated([GOOD, BAD]);
    open.push(log, store);
    const lines: string[] = [];
    const withAlerts = monitor({}, { alerts: [{ name: 'quality', when: 'accuracy < 0.9', sink: 'log' }, { name: 'drift', when: 'drift_share > 0.1', sink: 'log' }] });
    const run = await runMonitor(withAlerts, { log, baseline: undefined, stateDir, now: NOW, evaluations: store, sinks: { writeLog: (l) => void lines.push(l) } });
    expect(run.alerts).toEqual([
      { alert: 'quality', status: 'firing' },
      { alert: 'drift', status: 'ok' },
    ]);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ msg: 'alert quality firing', evaluation: { model: 'churn', version: '1', windowStart: BAD.day, joined: 40 } });
  });

  it('MonitorRunner reads the stored windows from the config\'s metadata store', async () => {
    const stateDir = path.join(dir, 'runner');
    const config = resolveConfig({
      storage: { stateDir },
      models: [{ name: 'iris', path: IRIS_EXAMPLE }],
      monitors: [{ name: 'iris-quality', model: 'iris', evaluation: { window: '1d' } }],
      triggers: [{ name: 'retrain', monitor: 'iris-quality', metric: 'f1', direction: 'down', baselineChange: 0.1, baseline: 0.95, action: { webhook: hook.url } }],
    });
    const days = [{ ...BAD, model: 'iris', version: '1.0.0' }];
    const log = new SqliteEventLog({ path: path.join(stateDir, 'predictions.sqlite') });
    await log.append(days.flatMap((d) => loggedDay(d)));
    const store = openSqliteEvaluationStore({ path: path.join(stateDir, 'mlpatterns.db') });
    await evaluateAndStore(log, store, { model: 'iris', sinceMs: 2 * DAY, windowMs: DAY, until: NOW });
    await store.close();
    await log.close();
    // The model has a baseline: drift is tested too (no verdict: the last hour is empty), the f1 trigger is judged anyway.
    expect(parseYaml(readFileSync(path.join(IRIS_EXAMPLE, 'mlpatterns.model.yaml'), 'utf8'))).toHaveProperty('baseline');
    const runner = new MonitorRunner(config);
    try {
      const run = await runner.runOnce(runner.monitors()[0]!, NOW);
      expect(run.status).toBe('insufficient_data');
      // 32 of 40 right, the 8 wrong ones split evenly over both classes: macro F1 0.8, below 0.95 · (1 − 0.1).
      expect(run.metrics.f1).toBeCloseTo(0.8, 12);
      expect(run.triggers).toMatchObject([{ trigger: 'retrain', status: 'fired', baseline: 0.95 }]);
      expect(hook.bodies).toHaveLength(1);
    } finally {
      await runner.close();
    }
  });

  it('refuses a bad evaluation: section', () => {
    expect(() => monitorSchema.parse({ name: 'm', model: 'churn', evaluation: { window: 'daily' } })).toThrow(/window must be a positive duration/);
    expect(() => monitorSchema.parse({ name: 'm', model: 'churn', evaluation: { minJoined: 0 } })).toThrow();
    expect(monitorSchema.parse({ name: 'm', model: 'churn', evaluation: {} }).evaluation).toEqual({ window: '1d', minJoined: 30, complete: false });
  });
});
