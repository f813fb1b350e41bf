import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/pipelines/runner/run-pipeline.js';
import { FIXTURES, tempDir } from './helpers/workspace.js';

const PARALLEL = path.join(FIXTURES, 'parallel/pipeline.yaml');

interface Times {
  start: number;
  end: number;
  pid: number;
}

describe('independent steps', () => {
  it('run at the same time, in separate processes (each waits for the other to have started)', async () => {
    const markers = await tempDir();
    const result = await runPipeline(PARALLEL, { params: { markers }, concurrency: 2, storage: { stateDir: await tempDir() } });
    expect(result.run.error).toBeNull();
    expect(result.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    const both = JSON.parse(await readFile(path.join(await result.outputPath('join', 'both'), 'both.json'), 'utf8')) as { left: Times; right: Times };
    // The intervals overlap: each started before the other ended.
    expect(both.left.start).toBeLessThan(both.right.end);
    expect(both.right.start).toBeLessThan(both.left.end);
    expect(both.left.pid).not.toBe(both.right.pid);
    expect(both.left.pid).not.toBe(process.pid);
  }, 60_000);

  it('run one after the other with --concurrency 1 (so the pair cannot meet and the first gives up)', async () => {
    const markers = await tempDir();
    const result = await runPipeline(PARALLEL, { params: { markers, wait_ms: 1500 }, concurrency: 1, storage: { stateDir: await tempDir() } });
    expect(result.run.status).toBe('failed');
    expect(result.steps.map((s) => [s.step, s.status])).toEqual([
      ['left', 'failed'],
      ['right', 'skipped'],
      ['join', 'skipped'],
    ]);
    expect(result.run.error).toContain('gave up after 1500 ms: right.started never appeared');
  }, 60_000);
});
