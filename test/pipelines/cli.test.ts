import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTrainingRunStore } from '../../src/adapters/open-training-run-store.js';
import type { TrainingRun, TrainingStep } from '../../src/ports/training-run-store.js';
import { runCli } from '../helpers/cli.js';
import { FIXTURES, tempDir } from './helpers/workspace.js';

const FLAKY = path.join(FIXTURES, 'flaky/pipeline.yaml');
const GATE = path.join(FIXTURES, 'gate/pipeline.yaml');

interface RunJson {
  run: TrainingRun;
  steps: TrainingStep[];
}

describe('mlpatterns train (CLI)', () => {
  it('fails with exit 1 and the step error, prints how to resume, and --resume continues from the failed step', async () => {
    const stateDir = await tempDir();
    const failed = await runCli(['train', FLAKY, '--state-dir', stateDir], { env: { FAIL_TRAIN: '1' } });
    expect(failed.code, failed.stderr).toBe(1);
    const runId = /run (\S+) · failed/.exec(failed.stdout)?.[1] ?? '';
    expect(runId).toMatch(/^\d{8}-\d{6}-[0-9a-f]{6}$/);
    expect(failed.stdout).toContain('✗ train');
    expect(failed.stdout).toContain('training diverged (FAIL_TRAIN=1)');
    expect(failed.stdout).toContain('- report');
    expect(failed.stdout).toContain(`resume with: mlpatterns train ${FLAKY} --resume ${runId}`);

    const resumed = await runCli(['train', FLAKY, '--state-dir', stateDir, '--resume', runId, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const json = JSON.parse(resumed.stdout) as RunJson;
    expect(json.run).toMatchObject({ status: 'succeeded', resumedFrom: runId, params: { succeed_on: 2 } });
    // load is `cache: false`, yet a resume reuses it; flaky succeeded there; train and report run now.
    expect(json.steps.map((s) => [s.step, s.status, s.cachedFrom])).toEqual([
      ['load', 'cached', runId],
      ['flaky', 'cached', runId],
      ['train', 'succeeded', null],
      ['report', 'succeeded', null],
    ]);
    expect(json.steps.find((s) => s.step === 'train')?.metrics).toEqual({ loss: 0.125 });

    const list = await runCli(['train', 'runs', '--state-dir', stateDir, '--pipeline', 'flaky']);
    expect(list.code).toBe(0);
    expect(list.stdout.trim().split('\n').map((line) => line.split(/\s+/).slice(0, 3))).toEqual([
      [json.run.id, 'flaky', 'succeeded'],
      [runId, 'flaky', 'failed'],
    ]);
    const show = await runCli(['train', 'show', runId, '--state-dir', stateDir]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`run ${runId} of pipeline flaky: failed`);
    expect(show.stdout).toContain('error: step "train" failed: training diverged (FAIL_TRAIN=1)');
    expect(show.stdout).toMatch(/✗ train {2}failed .* {2}2 attempts/);
    expect(show.stdout).toContain('| attempt 2 of 2 failed: training diverged (FAIL_TRAIN=1)');
  }, 90_000);

  it('exits 3 with the gate\'s reasons when a step rejects', async () => {
    const result = await runCli(['train', GATE, '--state-dir', await tempDir()]);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stdout).toContain('⊘ gate');
    expect(result.stdout).toContain('- accuracy 0.5 < 0.9');
    expect(result.stdout).toContain('- f1 0.45 < 0.9');
    expect(result.stdout).not.toContain('resume with');
  }, 60_000);

  it('takes --param values and checks them against their declaration (exit 2)', async () => {
    const stateDir = await tempDir();
    const ok = await runCli(['train', GATE, '--state-dir', stateDir, '--param', 'threshold=0.4']);
    expect(ok.code, ok.stderr).toBe(0);
    const bad = await runCli(['train', GATE, '--state-dir', stateDir, '--param', 'threshold=2', '--param', 'nope=1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('params.nope: unknown parameter (known: threshold)');
    expect(bad.stderr).toContain('params.threshold: 2 is above the maximum 1');
    expect(bad.stderr).toContain('[PIPELINE_INVALID]');
  }, 60_000);

  it('exits 2 listing every problem of a bad pipeline file', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'pipeline.yaml');
    await writeFile(file, 'name: broken\nsteps:\n  a: { run: ./nope.ts#a, inputs: { x: b.out } }\n  b: { command: [node, "{inputs.y}"], outputs: [out], retries: many }\n');
    const result = await runCli(['train', file, '--state-dir', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Invalid pipeline ${file}:`);
    expect(result.stderr).toContain('steps.b.retries:');
    expect(result.stderr).toContain('steps.a.run: module ./nope.ts does not exist');
    expect(result.stderr).toContain('steps.b.command.1: placeholder {inputs.y} names no input of this step');
    const store = await openTrainingRunStore(path.join(dir, 'mlpatterns.db'));
    expect(await store.listRuns()).toEqual([]);
    await store.close();
  }, 60_000);

  it('reports an unknown run for show and --resume (exit 2)', async () => {
    const stateDir = await tempDir();
    const show = await runCli(['train', 'show', 'no-such-run', '--state-dir', stateDir]);
    expect(show.code).toBe(2);
    expect(show.stderr).toContain('Training run "no-such-run" not found [TRAINING_RUN_NOT_FOUND]');
    const resume = await runCli(['train', GATE, '--state-dir', stateDir, '--resume', 'no-such-run']);
    expect(resume.code).toBe(2);
    expect(resume.stderr).toContain('[TRAINING_RUN_NOT_FOUND]');
  }, 60_000);

  it('prints its own help, and main lists the command', async () => {
    const help = await runCli(['train', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: mlpatterns train [options] [command] <pipeline>');
    expect(help.stdout).toContain('--resume <run>');
    const main = await runCli(['--help']);
    expect(main.stdout).toMatch(/train \[args\.\.\.\]\s+run a training pipeline/);
  }, 60_000);
});
