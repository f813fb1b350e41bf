import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { metadataUrlOf, openEvaluationStore } from '../../src/adapters/open-evaluation-store.js';
import { SqliteEventLog } from '../../src/adapters/sqlite/event-log.js';
import { resolveConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/schema.js';
import type { PredictionRecord } from '../../src/ports/event-log.js';
import type { ScheduleRun } from '../../src/ports/schedule-store.js';
import { startSchedules, type RunningSchedules } from '../../src/schedules/start-schedules.js';
import { lateFeedback, loggedDay } from '../evaluation/logged-days.js';

const TICK = new Date('2026-03-04T02:00:00.000Z');
const NEXT = new Date('2026-03-04T04:00:00.000Z');
const DAY2 = { day: '2026-03-02T00:00:00.000Z', predictions: 40, joined: 36, correct: 30, prefix: 'd2' };
const DAY3 = { day: '2026-03-03T00:00:00.000Z', predictions: 20, joined: 10, correct: 9, prefix: 'd3' };

const root = mkdtempSync(path.join(os.tmpdir(), 'mlp-evaluate-schedule-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const running: RunningSchedules[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.close();
});

let counter = 0;
/** A config in its own folder with one `evaluate:` schedule; the crons stay off, the test fires ticks itself. */
async function schedules(evaluate: Record<string, unknown>): Promise<{ r: RunningSchedules; config: Config }> {
  const dir = path.join(root, `app-${++counter}`);
  const file = path.join(dir, 'mlpatterns.yaml');
  const config = resolveConfig({ storage: { stateDir: './state' }, schedules: [{ name: 'evaluate', cron: '0 * * * *', retryBackoffMs: 1, enabled: false, evaluate }] }, file);
  const r = await startSchedules(config, { configPath: file });
  running.push(r);
  return { r, config };
}

/** Appends records to the config's prediction log, as the server's logger and POST /v1/feedback would. */
async function log(config: Config, records: PredictionRecord[]): Promise<void> {
  const sink = new SqliteEventLog({ path: path.join(config.storage.stateDir, 'predictions.sqlite') });
  try {
    await sink.append(records);
  } finally {
    await sink.close();
  }
}

async function ran(r: RunningSchedules, at: Date): Promise<ScheduleRun> {
  const result = await r.scheduler.tick('evaluate', at);
  if (result.outcome !== 'ran') throw new Error(`tick ${at.toISOString()} was ${result.outcome}`);
  return result.run;
}

describe('evaluate: schedules', () => {
  it('stores the windows of the period each tick, and a later tick revises a window that got late feedback', async () => {
    const { r, config } = await schedules({ model: 'churn', since: '2d', window: '1d' });
    await log(config, [...loggedDay(DAY2), ...loggedDay(DAY3), ...loggedDay({ ...DAY3, model: 'other', prefix: 'o3' })]);

    const first = await ran(r, TICK);
    expect(first).toMatchObject({ status: 'succeeded', attempts: 1, error: null });
    // The period ends at the tick and starts at the window holding tick − 2d: 03-02 and 03-03, whole.
    expect(first.summary).toEqual({ since: '2026-03-02T00:00:00.000Z', until: TICK.toISOString(), windows: 2, versions: ['churn:1'], created: 2, revised: 0, unchanged: 0, kept: 0 });

    const store = await openEvaluationStore(metadataUrlOf(config.storage));
    try {
      expect((await store.list()).map((e) => [e.window_start, e.predictions, e.joined, e.classification?.accuracy, e.revisions])).toEqual([
        ['2026-03-02T00:00:00.000Z', 40, 36, 30 / 36, 1],
        ['2026-03-03T00:00:00.000Z', 20, 10, 9 / 10, 1],
      ]);

      // Ground truth for five more of day 3's predictions arrives after the first tick.
      await log(config, lateFeedback(DAY3, 10, 15, '2026-03-04T03:00:00.000Z'));
      const second = await ran(r, NEXT);
      expect(second.summary).toMatchObject({ windows: 2, created: 0, revised: 1, unchanged: 1, kept: 0 });
      const [day2, day3] = await store.list({ model: 'churn' });
      expect(day2).toMatchObject({ joined: 36, revisions: 1, computed_at: expect.any(String) as unknown });
      expect(day3).toMatchObject({ predictions: 20, joined: 15, unjoined: 5, revisions: 2 });
      expect(day3?.classification?.accuracy).toBe(14 / 15);
      expect((await store.revisions({ since: new Date(DAY3.day) })).map((e) => [e.joined, e.classification?.accuracy])).toEqual([
        [10, 9 / 10],
        [15, 14 / 15],
      ]);
    } finally {
      await store.close();
    }
    expect((await r.store.history('evaluate', 10)).map((run) => [run.scheduledAt, run.status])).toEqual([
      [NEXT.toISOString(), 'succeeded'],
      [TICK.toISOString(), 'succeeded'],
    ]);
  });

  it('evaluates every model when none is named, and succeeds with nothing to store', async () => {
    const { r, config } = await schedules({});
    expect((await ran(r, TICK)).summary).toMatchObject({ windows: 0, created: 0 });
    await log(config, [...loggedDay(DAY3), ...loggedDay({ ...DAY3, model: 'other', version: '4', prefix: 'o3' })]);
    expect((await ran(r, NEXT)).summary).toMatchObject({ windows: 2, versions: ['churn:1', 'other:4'], created: 2 });
  });

  describe('config', () => {
    const config = (schedule: Record<string, unknown>, extra: Record<string, unknown> = {}) => () =>
      resolveConfig({ schedules: [{ name: 'e', cron: '0 * * * *', ...schedule }], ...extra }, '/srv/app/mlpatterns.yaml');

    it('fills the defaults of `eval run`', () => {
      expect(config({ evaluate: {} })().schedules[0]?.evaluate).toEqual({ since: '7d', window: '1d' });
    });

    it.each([
      [{ evaluate: {}, batch: { model: './m', input: 'in.csv', key: 'id', output: 'out.jsonl' } }, {}, /exactly one of "batch".*"evaluate"/],
      [{ evaluate: { since: 'a week' } }, {}, /since must be a positive duration like 30m/],
      [{ evaluate: { window: '0d' } }, {}, /window must be a positive duration/],
      [{ evaluate: { modle: 'x' } }, {}, /schedules\.0\.evaluate/],
      [{ evaluate: {} }, { logging: { predictions: { store: 'none' } } }, /evaluate: schedule reads the prediction log, which is off/],
    ])('refuses %j %j', (schedule, extra, message) => {
      expect(config(schedule, extra)).toThrow(message);
    });
  });
});
