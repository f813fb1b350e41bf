import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/pipelines/runner/run-pipeline.js';
import { FIXTURES, tempDir } from './helpers/workspace.js';

const COMMANDS = path.join(FIXTURES, 'commands/pipeline.yaml');

interface Seen {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  params: Record<string, unknown>;
}

describe('command steps', () => {
  it('get placeholders filled, the MLP_* environment, a params file, and report metrics through MLP_METRICS_FILE', async () => {
    const result = await runPipeline(COMMANDS, { params: { greeting: 'hi there' }, storage: { stateDir: await tempDir() } });
    expect(result.run.status).toBe('succeeded');
    const tool = result.steps.find((s) => s.step === 'tool');
    const seen = JSON.parse(await readFile(path.join(await result.outputPath('tool', 'result'), 'seen.json'), 'utf8')) as Seen;
    expect(seen.cwd).toBe(path.join(FIXTURES, 'commands'));
    expect(seen.argv[1]).toBe('ok');
    // The output folder it was given is where seen.json came from (then stored by digest).
    expect(seen.env.MLP_OUTPUT_RESULT).toBe(seen.argv[0]);
    expect(seen.env).toMatchObject({
      MLP_RUN_ID: result.run.id,
      MLP_PIPELINE: 'commands',
      MLP_STEP: 'tool',
      MLP_ATTEMPT: '1',
      MLP_PARAM_GREETING: 'hi there',
      MLP_PARAM_EXTRA: '7',
    });
    expect(seen.params).toEqual({ greeting: 'hi there', extra: 7 });
    // Non-numbers in the metrics file are dropped with a log line.
    expect(tool?.metrics).toEqual({ rows: 3, rmse: 0.25 });
    expect(tool?.logTail).toContain('tool wrote seen.json');
    expect(tool?.logTail.join('\n')).toContain('metric "note" from $MLP_METRICS_FILE ignored');
    const checked = await readFile(path.join(await result.outputPath('check', 'ok'), 'checked.txt'), 'utf8');
    expect(checked).toBe('greeting=hi there\n');
  }, 60_000);

  it('fail with the exit code and the last stderr lines when the command exits non-zero', async () => {
    const result = await runPipeline(COMMANDS, { params: { mode: 'fail' }, storage: { stateDir: await tempDir() } });
    expect(result.run.status).toBe('failed');
    const tool = result.steps.find((s) => s.step === 'tool');
    expect(tool?.status).toBe('failed');
    expect(tool?.error).toMatch(/^Step "tool": command "node \.\/tool\.mjs \S+ fail" exited with code 3; last stderr lines:\n {4}loading data…\n {4}error: the data has no rows$/);
    expect(result.run.error).toContain('error: the data has no rows');
    expect(result.steps.find((s) => s.step === 'check')?.status).toBe('skipped');
  }, 60_000);

  it('fail with a clear error when the command leaves an output empty', async () => {
    const result = await runPipeline(COMMANDS, { params: { mode: 'empty' }, storage: { stateDir: await tempDir() } });
    expect(result.run.status).toBe('failed');
    expect(result.steps.find((s) => s.step === 'tool')?.error).toBe('Step "tool" wrote no output "result" (its folder was left empty)');
  }, 60_000);

  it('fail with a clear error when the program does not exist', async () => {
    const { definePipeline } = await import('../../src/pipelines/define-pipeline.js');
    const pipeline = definePipeline({ name: 'missing-program', steps: { s: { command: ['mlp-no-such-program-xyz', '--flag'], outputs: ['o'] } } });
    const result = await runPipeline(pipeline, { storage: { stateDir: await tempDir() } });
    expect(result.steps[0]?.error).toBe('Step "s": command "mlp-no-such-program-xyz --flag" could not start: "mlp-no-such-program-xyz" was not found');
  });
});
