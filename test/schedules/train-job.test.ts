import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRegistry } from '../../src/app/open-registry.js';
import { resolveConfig } from '../../src/config/load-config.js';
import type { ScheduleRun } from '../../src/ports/schedule-store.js';
import { startSchedules, type RunningSchedules } from '../../src/schedules/start-schedules.js';
import { until } from './helpers.js';
import { TRAIN_COMMAND, TRAIN_PIPELINE } from './train-helpers.js';

const PIPELINE = TRAIN_PIPELINE;
const TICK = new Date('2026-03-04T02:00:00.000Z');
const NEXT = new Date('2026-03-05T02:00:00.000Z');

const root = mkdtempSync(path.join(os.tmpdir(), 'mlp-train-schedule-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const running: RunningSchedules[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.close();
});

let counter = 0;
/** A config in its own folder with one `train:` schedule; the crons stay off, the test fires ticks itself. */
async function schedules(train: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<{ r: RunningSchedules; stateDir: string }> {
  const dir = path.join(root, `app-${++counter}`);
  const config = resolveConfig(
    { storage: { stateDir: './state' }, schedules: [{ name: 'retrain', cron: '0 2 * * *', retryBackoffMs: 1, enabled: false, train, ...extra }] },
    path.join(dir, 'mlpatterns.yaml'),
  );
  const r = await startSchedules(config, { configPath: path.join(dir, 'mlpatterns.yaml'), trainCommand: TRAIN_COMMAND });
  running.push(r);
  return { r, stateDir: config.storage.stateDir };
}

async function ran(r: RunningSchedules, at: Date): Promise<ScheduleRun> {
  const result = await r.scheduler.tick('retrain', at);
  if (result.outcome !== 'ran') throw new Error(`tick ${at.toISOString()} was ${result.outcome}`);
  return result.run;
}

describe('train: schedules', () => {
  it('runs the pipeline through the CLI in a child process, into the config\'s registry; the next tick reuses the cache', async () => {
    const { r, stateDir } = await schedules({ pipeline: PIPELINE });
    const first = await ran(r, TICK);
    expect(first).toMatchObject({ status: 'succeeded', attempts: 1, error: null });
    expect(first.summary).toMatchObject({ status: 'succeeded', steps: { succeeded: 2 }, metrics: { 'register.version': 1 } });
    expect(first.summary?.runId).toMatch(/^\d{8}-\d{6}-[0-9a-f]{6}$/);

    const second = await ran(r, NEXT);
    expect(second.summary).toMatchObject({ status: 'succeeded', steps: { cached: 2 } });
    expect(second.summary?.runId).not.toBe(first.summary?.runId);
    expect((await r.store.history('retrain', 10)).map((run) => run.status)).toEqual(['succeeded', 'succeeded']);

    const opened = await openRegistry({ stateDir });
    try {
      const version = await opened.registry.get('scheduled-iris@candidate');
      expect(version).toMatchObject({ version: 1, source: `pipeline scheduled-iris run ${String(first.summary?.runId)}` });
    } finally {
      await opened.close();
    }
  });

  it('retries a failed run, then records the failure with the run id and the step\'s error', async () => {
    const { r } = await schedules({ pipeline: PIPELINE, params: { mode: 'fail' } }, { retries: 1 });
    const run = await ran(r, TICK);
    expect(run).toMatchObject({ status: 'failed', attempts: 2 });
    expect(run.error).toMatch(/^training run \d{8}-\d{6}-[0-9a-f]{6} of .*pipeline\.yaml failed: [\s\S]*training data is gone[\s\S]*mlpatterns train show/);
  });

  it('fails a tick the gate rejects at once, without retries, naming the failing rule; nothing is registered', async () => {
    const { r, stateDir } = await schedules({ pipeline: PIPELINE, params: { min_accuracy: 0.999 } }, { retries: 2 });
    const run = await ran(r, TICK);
    expect(run).toMatchObject({ status: 'failed', attempts: 1 });
    expect(run.error).toMatch(/was rejected by its gate: accuracy >= 0\.999 \(accuracy=0\.\d+\) failed/);
    const opened = await openRegistry({ stateDir });
    try {
      await expect(opened.registry.get('scheduled-iris')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    } finally {
      await opened.close();
    }
  });

  it('fails a tick whose pipeline does not load at once, with the loader\'s message', async () => {
    const { r } = await schedules({ pipeline: PIPELINE, params: { mode: 'sideways' } }, { retries: 2 });
    const run = await ran(r, TICK);
    expect(run).toMatchObject({ status: 'failed', attempts: 1 });
    expect(run.error).toMatch(/did not run \(exit code 2\): .*mode/s);
  });

  describe('with a run held open', () => {
    let signals = '';
    beforeEach(() => {
      signals = mkdtempSync(path.join(root, 'signals-'));
      // The step (fixtures/train/package.mjs) writes "started" there, then waits for "release".
      process.env.MLP_TEST_SIGNAL_DIR = signals;
    });
    afterEach(() => {
      delete process.env.MLP_TEST_SIGNAL_DIR;
    });
    const started = (): Promise<void> => until(() => existsSync(path.join(signals, 'started')), 30_000);

    it('skips a tick that comes while the previous run still trains', async () => {
      const { r } = await schedules({ pipeline: PIPELINE, params: { mode: 'wait' } });
      const first = r.scheduler.tick('retrain', TICK);
      await started();
      expect(await r.scheduler.tick('retrain', NEXT)).toMatchObject({ outcome: 'overlap', run: { status: 'skipped', error: 'overlap' } });
      writeFileSync(path.join(signals, 'release'), '');
      expect(await first).toMatchObject({ outcome: 'ran', run: { status: 'succeeded' } });
      expect((await r.store.history('retrain', 10)).map((run) => [run.scheduledAt, run.status])).toEqual([
        [NEXT.toISOString(), 'skipped'],
        [TICK.toISOString(), 'succeeded'],
      ]);
    });

    it('cancels the training run when the scheduler stops, and records the tick failed', async () => {
      const { r } = await schedules({ pipeline: PIPELINE, params: { mode: 'wait' } });
      const tick = r.scheduler.tick('retrain', TICK);
      await started();
      await r.close();
      running.splice(0);
      const result = await tick;
      expect(result).toMatchObject({ outcome: 'ran', run: { status: 'failed', attempts: 1 } });
      expect(result.outcome === 'ran' ? result.run.error : '').toMatch(/^stopped: the scheduler shut down \(training run \S+ of .* cancelled: stopped: the scheduler shut down/);
    });
  });
});
