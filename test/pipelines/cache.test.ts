import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openTrainingRunStore } from '../../src/adapters/open-training-run-store.js';
import { runPipeline, type PipelineRunResult } from '../../src/pipelines/runner/run-pipeline.js';
import { copyFixture, tempDir } from './helpers/workspace.js';

/** Step name → status, in pipeline order. */
function statuses(result: PipelineRunResult): Record<string, string> {
  return Object.fromEntries(result.steps.map((s) => [s.step, s.status]));
}

describe('step cache (fixture "basic": prepare.ts → scale command → summarize.mjs)', () => {
  let dir: string;
  let stateDir: string;
  let first: PipelineRunResult;
  const run = (params: Record<string, unknown> = {}): Promise<PipelineRunResult> =>
    runPipeline(path.join(dir, 'pipeline.yaml'), { params, storage: { stateDir } });

  beforeAll(async () => {
    dir = await copyFixture('basic');
    stateDir = await tempDir();
    first = await run();
  }, 60_000);

  it('runs every step the first time, with outputs, metrics and log lines recorded', async () => {
    expect(first.run.status).toBe('succeeded');
    expect(statuses(first)).toEqual({ prepare: 'succeeded', scale: 'succeeded', summarize: 'succeeded' });
    const report = JSON.parse(await readFile(path.join(await first.outputPath('summarize', 'report'), 'report.json'), 'utf8')) as unknown;
    // count 5 from offset 10 (numbers-offset.txt): 10..14, doubled, summed.
    expect(report).toEqual({ title: 'summary of demo', sum: 120 });
    const byName = new Map(first.steps.map((s) => [s.step, s]));
    expect(byName.get('summarize')?.metrics).toEqual({ sum: 120, count: 5 });
    expect(byName.get('scale')?.metrics).toEqual({ scaled: 5 });
    expect(byName.get('prepare')?.logTail).toContain('wrote 5 numbers');
    expect(byName.get('scale')?.logTail).toContain('scaled 5 numbers by 2');
    expect(byName.get('prepare')?.outputs.numbers?.key).toMatch(/^steps\/[0-9a-f]{64}$/);
  });

  it('reuses every step on a second, unchanged run, pointing at the run that made the outputs', async () => {
    const second = await run();
    expect(second.run.status).toBe('succeeded');
    expect(statuses(second)).toEqual({ prepare: 'cached', scale: 'cached', summarize: 'cached' });
    expect(second.steps.every((s) => s.cachedFrom === first.run.id && s.attempts === 0)).toBe(true);
    expect(second.steps.find((s) => s.step === 'summarize')?.metrics).toEqual({ sum: 120, count: 5 });
    // The record keeps the log of the run that made the outputs, then says where they came from.
    expect(second.steps.find((s) => s.step === 'prepare')?.logTail).toEqual(['wrote 5 numbers', `reused the outputs of run ${first.run.id} (cache key ${first.steps[0]?.cacheKey?.slice(0, 12) ?? ''})`]);
    const store = await openTrainingRunStore(path.join(stateDir, 'mlpatterns.db'));
    expect((await store.listRuns()).map((r) => r.id)).toEqual([second.run.id, first.run.id]);
    await store.close();
  });

  it('re-runs a step whose parameter changed and the steps its new output feeds', async () => {
    // factor feeds scale's argv; scale's output changes, so summarize re-runs too; prepare is untouched.
    expect(statuses(await run({ factor: 3 }))).toEqual({ prepare: 'cached', scale: 'succeeded', summarize: 'succeeded' });
    // label only feeds summarize's `with:`.
    expect(statuses(await run({ label: 'other' }))).toEqual({ prepare: 'cached', scale: 'cached', summarize: 'succeeded' });
    // Back to the defaults: all from cache again.
    expect(statuses(await run())).toEqual({ prepare: 'cached', scale: 'cached', summarize: 'cached' });
  }, 60_000);

  it('re-runs a step whose code changed, in its relative-import closure, but not the steps after it when its output is the same bytes', async () => {
    await appendFile(path.join(dir, 'helpers/offset.ts'), '\n// a comment changes the code hash, not the output\n');
    const result = await run();
    expect(statuses(result)).toEqual({ prepare: 'succeeded', scale: 'cached', summarize: 'cached' });
    const prepare = result.steps.find((s) => s.step === 'prepare');
    expect(prepare?.outputs.numbers).toEqual(first.steps.find((s) => s.step === 'prepare')?.outputs.numbers);
  }, 60_000);

  it('re-runs a command step when the script it names changes', async () => {
    await appendFile(path.join(dir, 'scale.mjs'), '\n// edited\n');
    expect(statuses(await run())).toEqual({ prepare: 'cached', scale: 'succeeded', summarize: 'cached' });
  }, 60_000);

  it('re-runs a step whose `files:` changed, and everything its new output feeds', async () => {
    await writeFile(path.join(dir, 'numbers-offset.txt'), '20\n');
    const result = await run();
    expect(statuses(result)).toEqual({ prepare: 'succeeded', scale: 'succeeded', summarize: 'succeeded' });
    const report = JSON.parse(await readFile(path.join(await result.outputPath('summarize', 'report'), 'report.json'), 'utf8')) as { sum: number };
    expect(report.sum).toBe(2 * (20 + 21 + 22 + 23 + 24));
  }, 60_000);

  it('runs a step again when its cached output artifact is gone from the store', async () => {
    const before = await run();
    expect(statuses(before)).toEqual({ prepare: 'cached', scale: 'cached', summarize: 'cached' });
    const key = before.steps.find((s) => s.step === 'summarize')?.outputs.report?.key ?? '';
    await rm(path.join(stateDir, 'artifacts', key), { recursive: true });
    expect(statuses(await run())).toEqual({ prepare: 'cached', scale: 'cached', summarize: 'succeeded' });
  }, 60_000);
});
