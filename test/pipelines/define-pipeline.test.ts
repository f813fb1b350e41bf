import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMlError } from '../../src/errors/ml-error.js';
import { definePipeline, loadPipeline, runPipeline, type BuiltinStep, type StepContext } from '../../src/training/index.js';
import { resolvePipeline } from '../../src/pipelines/resolve-pipeline.js';
import { FIXTURES, tempDir } from './helpers/workspace.js';

describe('the TypeScript API (mlpatterns/training)', () => {
  it('runs functions handed to definePipeline in this process, with params, inputs, outputs and metrics', async () => {
    const seen: string[] = [];
    const pipeline = definePipeline({
      name: 'in-code',
      params: { n: { type: 'integer', default: 3 } },
      steps: {
        make: {
          run: async (ctx: StepContext) => {
            seen.push(`make pid ${process.pid}`);
            await writeFile(path.join(ctx.outputs.list ?? '', 'list.json'), JSON.stringify(Array.from({ length: ctx.params.n as number }, (_, i) => i + 1)));
          },
          params: ['n'],
          outputs: ['list'],
        },
        total: {
          run: async (ctx: StepContext) => {
            const list = JSON.parse(await readFile(path.join(ctx.inputs.list ?? '', 'list.json'), 'utf8')) as number[];
            ctx.metric('total', list.reduce((a, b) => a + b, 0));
            ctx.progress(1);
            return { metrics: { count: list.length } };
          },
          inputs: { list: 'make.list' },
          outputs: ['sum'],
          with: { label: 'x' },
        },
      },
    });
    const stateDir = await tempDir();
    // `total` writes no file into its output: the run fails with the clear error, after `make` succeeded.
    const first = await runPipeline(pipeline, { storage: { stateDir } });
    expect(seen).toEqual([`make pid ${process.pid}`]);
    expect(first.run.status).toBe('failed');
    expect(first.run.error).toBe('step "total" failed: Step "total" wrote no output "sum" (its folder was left empty)');

    const fixed = definePipeline({
      name: 'in-code',
      params: { n: { type: 'integer', default: 3 } },
      steps: {
        make: pipeline.steps[0]?.kind === 'function' ? { run: pipeline.steps[0].fn, params: ['n'], outputs: ['list'] } : {},
        total: {
          run: async (ctx: StepContext) => {
            const list = JSON.parse(await readFile(path.join(ctx.inputs.list ?? '', 'list.json'), 'utf8')) as number[];
            await writeFile(path.join(ctx.outputs.sum ?? '', 'sum.txt'), String(list.reduce((a, b) => a + b, 0)));
            return { metrics: { count: list.length } };
          },
          inputs: { list: 'make.list' },
          outputs: ['sum'],
        },
      },
    });
    const second = await runPipeline(fixed, { storage: { stateDir }, params: { n: 4 } });
    expect(second.run.status).toBe('succeeded');
    expect(await readFile(path.join(await second.outputPath('total', 'sum'), 'sum.txt'), 'utf8')).toBe('10');
    // Same function source, same params: reused.
    const third = await runPipeline(fixed, { storage: { stateDir }, params: { n: 4 } });
    expect(third.steps.map((s) => s.status)).toEqual(['cached', 'cached']);
  });

  it('validates a definition with the same rules as a file', () => {
    try {
      definePipeline({ name: 'x', steps: { a: { run: './nope.ts#a', inputs: { i: 'b.o' } } } });
      throw new Error('expected PIPELINE_INVALID');
    } catch (err) {
      expect(isMlError(err) && err.code).toBe('PIPELINE_INVALID');
      expect((err as Error).message).toContain('steps.a.inputs.i: unknown step "b" in "b.o"');
      expect((err as Error).message).toContain('steps.a.run: module ./nope.ts does not exist');
    }
  });

  it('loads a file with loadPipeline and runs a definition that came from it', async () => {
    const pipeline = await loadPipeline(path.join(FIXTURES, 'gate/pipeline.yaml'));
    const result = await runPipeline(pipeline, { params: { threshold: 0.1 }, storage: { stateDir: await tempDir() } });
    expect(result.run.status).toBe('succeeded');
  }, 60_000);
});

describe('built-in steps in a run', () => {
  let fingerprint: string | undefined = 'v1';
  let runs = 0;
  const counter: BuiltinStep = {
    outputs: ['out'],
    fingerprint: async (settings) => (fingerprint === undefined ? undefined : `${fingerprint}:${String(settings.label)}`),
    run: async (ctx) => {
      runs++;
      await writeFile(path.join(ctx.outputs.out ?? '', 'out.txt'), `${String(ctx.params.label)} ${String(ctx.params.seed)}`);
    },
  };
  const pipeline = resolvePipeline(
    {
      name: 'builtins',
      params: { seed: { type: 'integer', default: 1 }, label: { type: 'string', default: 'a' } },
      steps: { count: { uses: 'counter', params: ['seed'], with: { label: '{params.label}' } } },
    },
    { source: 'inline', workDir: process.cwd(), builtins: { counter } },
  );

  it('are cached by their fingerprint, and always run when the fingerprint is undefined', async () => {
    const stateDir = await tempDir();
    const statusOf = async (params: Record<string, unknown> = {}): Promise<string | undefined> => (await runPipeline(pipeline, { storage: { stateDir }, params })).steps[0]?.status;
    expect(await statusOf()).toBe('succeeded');
    expect(await statusOf()).toBe('cached');
    expect(await statusOf({ label: 'b' })).toBe('succeeded');
    fingerprint = 'v2';
    expect(await statusOf()).toBe('succeeded');
    fingerprint = undefined;
    expect(await statusOf()).toBe('succeeded');
    const uncacheable = await runPipeline(pipeline, { storage: { stateDir } });
    expect(uncacheable.steps[0]).toMatchObject({ status: 'succeeded', cacheable: false });
    expect(runs).toBe(5);
  });
});
