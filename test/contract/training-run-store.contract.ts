import { afterEach, describe, expect, it } from 'vitest';
import { isMlError } from '../../src/errors/ml-error.js';
import type { TrainingRunStore } from '../../src/ports/training-run-store.js';
import { pendingStep } from '../helpers/training-step.js';

/** Two stores on one fresh database (the runner and a `train show` in another process), sharing a settable clock. */
export interface SharedTrainingStores {
  readonly a: TrainingRunStore;
  readonly b: TrainingRunStore;
}

export type SharedTrainingStoresFactory = (now: () => Date) => Promise<SharedTrainingStores>;

const KEY = 'a'.repeat(64);
const OUTPUT = { key: `steps/${'b'.repeat(64)}`, digest: `sha256:${'b'.repeat(64)}`, sizeBytes: 42 };

/** The behaviour every TrainingRunStore adapter must have (SQLite, PostgreSQL). */
export function trainingRunStoreContract(open: SharedTrainingStoresFactory): void {
  let clock = new Date('2026-03-04T05:06:07.000Z');
  const now = (): Date => clock;
  const opened: TrainingRunStore[] = [];
  const fresh = async (): Promise<SharedTrainingStores> => {
    clock = new Date('2026-03-04T05:06:07.000Z');
    const stores = await open(now);
    opened.push(stores.a, stores.b);
    return stores;
  };

  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });

  describe('runs', () => {
    it('creates a running run stamped by the clock and reads it back from another connection', async () => {
      const { a, b } = await fresh();
      const run = await a.createRun({ id: 'r1', pipeline: 'iris', params: { seed: 42, alias: 'candidate', frac: 0.3, verbose: false }, owner: 'h:1', pipelineFile: '/p/pipeline.yaml' });
      expect(run).toEqual({
        id: 'r1',
        pipeline: 'iris',
        status: 'running',
        params: { seed: 42, alias: 'candidate', frac: 0.3, verbose: false },
        resumedFrom: null,
        pipelineFile: '/p/pipeline.yaml',
        startedAt: '2026-03-04T05:06:07.000Z',
        finishedAt: null,
        error: null,
        owner: 'h:1',
      });
      expect(await b.getRun('r1')).toEqual(run);
      expect(await b.getRun('nope')).toBeUndefined();
    });

    it('refuses a second run with the same id', async () => {
      const { a, b } = await fresh();
      await a.createRun({ id: 'r1', pipeline: 'p', params: {}, owner: 'x' });
      await expect(b.createRun({ id: 'r1', pipeline: 'p', params: {}, owner: 'y' })).rejects.toThrow();
    });

    it('finishes a run with its status and error', async () => {
      const { a, b } = await fresh();
      await a.createRun({ id: 'r1', pipeline: 'p', params: {}, owner: 'x', resumedFrom: 'r0' });
      clock = new Date('2026-03-04T05:07:00.500Z');
      const done = await a.finishRun('r1', { status: 'failed', error: 'step "train" failed: boom' });
      expect(done).toMatchObject({ status: 'failed', error: 'step "train" failed: boom', finishedAt: '2026-03-04T05:07:00.500Z', resumedFrom: 'r0' });
      expect(await b.getRun('r1')).toEqual(done);
    });

    it('reports an unknown run on finish as TRAINING_RUN_NOT_FOUND', async () => {
      const { a } = await fresh();
      const error: unknown = await a.finishRun('ghost', { status: 'succeeded' }).catch((err: unknown) => err);
      expect(isMlError(error) && error.code).toBe('TRAINING_RUN_NOT_FOUND');
    });

    it('lists runs newest first, per pipeline, up to a limit', async () => {
      const { a, b } = await fresh();
      for (const [i, pipeline] of ['p', 'q', 'p', 'p'].entries()) {
        clock = new Date(Date.UTC(2026, 2, 4, 6, i));
        await a.createRun({ id: `r${i}`, pipeline, params: {}, owner: 'x' });
      }
      expect((await b.listRuns()).map((r) => r.id)).toEqual(['r3', 'r2', 'r1', 'r0']);
      expect((await b.listRuns({ pipeline: 'p' })).map((r) => r.id)).toEqual(['r3', 'r2', 'r0']);
      expect((await b.listRuns({ pipeline: 'p', limit: 2 })).map((r) => r.id)).toEqual(['r3', 'r2']);
      expect(await b.listRuns({ pipeline: 'none' })).toEqual([]);
    });
  });

  describe('steps', () => {
    it('saves, replaces and lists the steps of a run in pipeline order', async () => {
      const { a, b } = await fresh();
      await a.createRun({ id: 'r1', pipeline: 'p', params: {}, owner: 'x' });
      await a.saveStep(pendingStep('r1', 'train', { position: 1 }));
      await a.saveStep(pendingStep('r1', 'load', { position: 0 }));
      const finished = pendingStep('r1', 'train', {
        position: 1,
        status: 'failed',
        cacheKey: KEY,
        attempts: 3,
        startedAt: '2026-03-04T05:06:08.000Z',
        finishedAt: '2026-03-04T05:06:09.250Z',
        error: 'boom',
        metrics: { loss: 0.25, accuracy: 0.9 },
        logTail: ['epoch 1', 'epoch 2 — ünïcode'],
      });
      await a.saveStep(finished);
      const steps = await b.listSteps('r1');
      expect(steps.map((s) => s.step)).toEqual(['load', 'train']);
      expect(steps[1]).toEqual(finished);
      expect(steps[0]).toEqual(pendingStep('r1', 'load'));
      expect(await b.listSteps('other')).toEqual([]);
    });

    it('keeps outputs, reasons and the cached-from run', async () => {
      const { a, b } = await fresh();
      await a.createRun({ id: 'r1', pipeline: 'p', params: {}, owner: 'x' });
      const record = pendingStep('r1', 'gate', { status: 'rejected', reasons: ['accuracy 0.5 < 0.9'], outputs: { model: OUTPUT }, cachedFrom: 'r0', cacheable: false });
      await a.saveStep(record);
      expect(await b.listSteps('r1')).toEqual([record]);
    });

    it('finds the newest reusable record of a cache key, never an uncacheable or unfinished one', async () => {
      const { a, b } = await fresh();
      for (const id of ['r1', 'r2', 'r3', 'r4']) await a.createRun({ id, pipeline: 'p', params: {}, owner: 'x' });
      const at = (minute: number): string => new Date(Date.UTC(2026, 2, 4, 7, minute)).toISOString();
      await a.saveStep(pendingStep('r1', 's', { status: 'succeeded', cacheKey: KEY, finishedAt: at(1), outputs: { out: OUTPUT } }));
      await a.saveStep(pendingStep('r2', 's', { status: 'cached', cacheKey: KEY, finishedAt: at(2), outputs: { out: OUTPUT }, cachedFrom: 'r1' }));
      await a.saveStep(pendingStep('r3', 's', { status: 'failed', cacheKey: KEY, finishedAt: at(3) }));
      await a.saveStep(pendingStep('r4', 's', { status: 'succeeded', cacheKey: KEY, finishedAt: at(4), cacheable: false }));
      await a.saveStep(pendingStep('r4', 't', { status: 'running', cacheKey: 'c'.repeat(64), startedAt: at(4) }));
      expect(await b.findReusable(KEY)).toMatchObject({ runId: 'r2', status: 'cached', cachedFrom: 'r1', outputs: { out: OUTPUT } });
      expect(await b.findReusable('c'.repeat(64))).toBeUndefined();
      expect(await b.findReusable('d'.repeat(64))).toBeUndefined();
    });

    it('refuses a step of a run that does not exist', async () => {
      const { a } = await fresh();
      await expect(a.saveStep(pendingStep('ghost', 's'))).rejects.toThrow();
    });
  });
}
