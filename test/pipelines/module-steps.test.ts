import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { definePipeline } from '../../src/pipelines/define-pipeline.js';
import { runPipeline } from '../../src/pipelines/runner/run-pipeline.js';
import type { TrainingStep } from '../../src/ports/training-run-store.js';
import { FIXTURES, tempDir } from './helpers/workspace.js';

/** Runs a one-step pipeline around `./steps.ts#<name>` of the "broken" fixture; returns the step's record. */
async function runBroken(exportName: string, step: { retries?: number; timeoutMs?: number } = {}): Promise<TrainingStep> {
  const pipeline = definePipeline({
    name: 'broken',
    workDir: path.join(FIXTURES, 'broken'),
    steps: { s: { run: `./steps.ts#${exportName}`, outputs: ['o'], retryBackoffMs: 0, ...step } },
  });
  const result = await runPipeline(pipeline, { storage: { stateDir: await tempDir() } });
  expect(result.run.status).toBe('failed');
  return result.steps[0] as TrainingStep;
}

describe('module steps that go wrong', () => {
  it('report an exception thrown in the child with its message', async () => {
    expect((await runBroken('throws')).error).toBe('the data has 0 rows');
  }, 60_000);

  it('name the missing export and the ones that exist', async () => {
    const error = (await runBroken('nope')).error ?? '';
    expect(error).toContain('steps.ts has no exported function "nope" (its functions: crash, sleepy, throws)');
  }, 60_000);

  it('report a child that exits early, with its exit code and last stderr lines', async () => {
    const step = await runBroken('crash');
    expect(step.error).toBe('Step "s": its process exited with code 7 before the step finished; last stderr lines:\n    about to crash');
    expect(step.logTail).toContain('about to crash');
  }, 60_000);

  it('abort an attempt at its timeout (the child sees ctx.signal) and retry it', async () => {
    const step = await runBroken('sleepy', { timeoutMs: 1500, retries: 1 });
    expect(step).toMatchObject({ status: 'failed', attempts: 2, error: 'Step "s" ran longer than its timeout of 1500 ms' });
    expect(step.logTail.filter((line) => line === 'saw the abort')).toHaveLength(2);
  }, 60_000);
});
