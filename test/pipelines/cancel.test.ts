import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTrainingRunStore } from '../../src/adapters/open-training-run-store.js';
import { runPipeline } from '../../src/pipelines/runner/run-pipeline.js';
import { startCli } from '../helpers/cli.js';
import { FIXTURES, tempDir } from './helpers/workspace.js';

const HANG = path.join(FIXTURES, 'hang/pipeline.yaml');

/** Resolves with the pid the `hang` step wrote, as soon as it is there. */
async function hangPid(markers: string, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await readFile(path.join(markers, 'hang.pid'), 'utf8').catch(() => '');
    if (text !== '') return Number(text);
    if (Date.now() > deadline) throw new Error('the hang step never started');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('cancelling a run', () => {
  it('kills the running step process (even one ignoring ctx.signal) and records the run cancelled', async () => {
    const markers = await tempDir();
    const stateDir = await tempDir();
    const cancel = new AbortController();
    const running = runPipeline(HANG, { params: { markers }, storage: { stateDir }, signal: cancel.signal });
    const pid = await hangPid(markers);
    expect(alive(pid)).toBe(true);
    cancel.abort(new Error('test cancels'));
    const result = await running;
    expect(alive(pid)).toBe(false);
    expect(result.run.status).toBe('cancelled');
    expect(result.steps.map((s) => [s.step, s.status])).toEqual([
      ['quick', 'succeeded'],
      ['hang', 'cancelled'],
      ['after', 'skipped'],
    ]);
    expect(result.steps.find((s) => s.step === 'hang')?.logTail).toContain('hanging');
  }, 60_000);

  it('stops on SIGINT from the CLI: exit 130, the run recorded cancelled, a resume hint printed', async () => {
    const markers = await tempDir();
    const stateDir = await tempDir();
    const child = startCli(['train', HANG, '--state-dir', stateDir, '--param', `markers=${markers}`]);
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const pid = await hangPid(markers);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(alive(pid)).toBe(false);
    const runId = /run (\S+) · cancelled/.exec(stdout)?.[1] ?? '';
    expect(stdout).toContain(`--resume ${runId}`);
    const store = await openTrainingRunStore(path.join(stateDir, 'mlpatterns.db'));
    expect(await store.getRun(runId)).toMatchObject({ status: 'cancelled' });
    expect((await store.listSteps(runId)).map((s) => s.status)).toEqual(['succeeded', 'cancelled', 'skipped']);
    await store.close();
  }, 60_000);
});
