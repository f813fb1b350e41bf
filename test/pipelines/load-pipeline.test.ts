import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMlError } from '../../src/errors/ml-error.js';
import { loadPipeline } from '../../src/pipelines/load-pipeline.js';
import { resolveParams } from '../../src/pipelines/params.js';
import type { BuiltinStep } from '../../src/pipelines/types.js';
import { resolvePipeline } from '../../src/pipelines/resolve-pipeline.js';
import { FIXTURES, tempDir } from './helpers/workspace.js';

/** The PIPELINE_INVALID message of a promise; fails the test when it resolves. */
async function problemsOf(work: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (err) {
    if (isMlError(err) && err.code === 'PIPELINE_INVALID') return err.message;
    throw err;
  }
  throw new Error('expected PIPELINE_INVALID');
}

const BROKEN = `
name: "bad name!"
params:
  seed: { type: integer, default: 1.5 }
  mode: { type: string, default: fast, enum: [slow, careful], min: 1 }
  dir: { type: string, default: "\${MLP_TEST_UNSET_VARIABLE}" }
defaults: { retries: -1 }
steps:
  load:
    run: ./missing.ts#load
    command: [node, x.js]
    outputs: [data, data]
  split:
    run: ./steps.ts#split
    inputs: { rows: lod.data, cols: load.columns, weird: nodot }
    params: [seed, nope]
    outputs: [train]
    after: [split, ghost]
  train:
    command: [node, train.mjs, "{inputs.missing}", "{outputs.model}", "{secrets.key}", "{params.unknown}"]
    inputs: { data: split.train, back: evaluate.report }
    outputs: [model]
    files: [./no-such-file.csv]
  evaluate:
    run: ./steps.ts#evaluate
    inputs: { model: train.model }
    with: { label: "{inputs.model}", other: ["{params.ghost}"] }
    outputs: [report]
  publish:
    uses: publish-to-the-moon
  noop: {}
`;

describe('loading pipeline.yaml', () => {
  it('lists every problem at once, each with its path', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'steps.ts'), 'export const split = () => undefined;\n');
    await writeFile(path.join(dir, 'pipeline.yaml'), BROKEN);
    const message = await problemsOf(loadPipeline(path.join(dir, 'pipeline.yaml'), {}));
    const expected = [
      'environment variable ${MLP_TEST_UNSET_VARIABLE} is not set',
      'name: invalid pipeline name',
      'params.seed.default: expected an integer, got 1.5',
      'params.mode.min: min/max apply to number and integer parameters, not string',
      'params.mode.default: "fast" is not one of "slow", "careful"',
      'defaults.retries:',
      'steps.load: give exactly one of "run", "command" and "uses" (got run, command)',
      'steps.noop: give exactly one of "run", "command" and "uses" (got none)',
      'steps.split.inputs.rows: unknown step "lod" in "lod.data" (known: load, split, train, evaluate, publish, noop)',
      'steps.split.inputs.cols: step "load" has no output "columns" (its outputs: data)',
      'steps.split.inputs.weird: "nodot" is not a reference: write "<step>.<output>"',
      'steps.split.after.0: a step cannot wait for itself',
      'steps.split.after.1: unknown step "ghost"',
      'steps.split.params.1: unknown pipeline parameter "nope" (known: seed, mode, dir)',
      'steps.load.outputs.1: output "data" is declared twice',
      'steps.load.run: module ./missing.ts does not exist',
      'steps.train.command.2: placeholder {inputs.missing} names no input of this step (known: data, back)',
      'steps.train.command.4: unknown placeholder {secrets.key}: use {inputs.X}, {outputs.X} or {params.X}',
      'steps.train.command.5: placeholder {params.unknown} names no pipeline parameter (known: seed, mode, dir)',
      'steps.train.files.0: ./no-such-file.csv does not exist',
      'steps.evaluate.with.label: placeholder {inputs.model} is not allowed in "with": only {params.X}',
      'steps.evaluate.with.other.0: placeholder {params.ghost} names no pipeline parameter',
      'steps.publish.uses: unknown built-in "publish-to-the-moon"',
      'steps.train: steps depend on each other in a cycle: train → evaluate → train',
    ];
    for (const line of expected) expect(message).toContain(line);
    expect(message.startsWith(`Invalid pipeline ${path.join(dir, 'pipeline.yaml')}:\n  - `)).toBe(true);
  });

  it('reports a file that cannot be read, and YAML that does not parse', async () => {
    const dir = await tempDir();
    expect(await problemsOf(loadPipeline(path.join(dir, 'absent.yaml')))).toContain('cannot read:');
    await writeFile(path.join(dir, 'bad.yaml'), 'name: x\nsteps: [unclosed\n');
    expect(await problemsOf(loadPipeline(path.join(dir, 'bad.yaml')))).toContain('not valid YAML');
  });

  it('interpolates ${ENV} and ${ENV:-default}, and resolves paths against the file\'s folder', async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, 'code'));
    await writeFile(path.join(dir, 'code/steps.ts'), 'export const a = () => undefined;\n');
    await writeFile(
      path.join(dir, 'pipeline.yaml'),
      'name: env-demo\nstorage: { stateDir: "${STATE:-./state}", metadata: "${MLP_DB}" }\nsteps:\n  a: { run: ./code/steps.ts#a, outputs: [o], version: 2 }\n',
    );
    const pipeline = await loadPipeline(path.join(dir, 'pipeline.yaml'), { MLP_DB: 'postgres://db/x' });
    expect(pipeline.storage).toEqual({ stateDir: './state', metadata: 'postgres://db/x' });
    expect(pipeline.workDir).toBe(dir);
    expect(pipeline.file).toBe(path.join(dir, 'pipeline.yaml'));
    expect(pipeline.steps[0]).toMatchObject({ kind: 'module', module: path.join(dir, 'code/steps.ts'), exportName: 'a', version: '2', retries: 0, cache: true });
    expect(Object.isFrozen(pipeline.steps[0])).toBe(true);
  });

  it('fills step defaults from `defaults:` and reads every fixture pipeline', async () => {
    const flaky = await loadPipeline(path.join(FIXTURES, 'flaky/pipeline.yaml'));
    expect(flaky.steps.map((s) => [s.name, s.retries, s.retryBackoffMs, s.cache])).toEqual([
      ['load', 0, 10, false],
      ['flaky', 2, 10, true],
      ['train', 1, 10, true],
      ['report', 0, 10, true],
    ]);
    for (const name of ['basic', 'commands', 'gate', 'hang', 'parallel']) {
      expect((await loadPipeline(path.join(FIXTURES, name, 'pipeline.yaml'))).name).toBe(name);
    }
  });
});

describe('built-in steps at load time', () => {
  const register: BuiltinStep = {
    outputs: ['registered'],
    run: () => undefined,
    validate: (settings) => {
      if (typeof settings.name !== 'string') throw new Error('"name" must be a string');
      if (!['candidate', 'production'].includes(settings.alias as string)) throw new Error(`alias must be candidate or production, got ${String(settings.alias)}`);
    },
  };
  const doc = (withSettings: unknown, outputs?: string[]): unknown => ({
    name: 'b',
    params: { alias: { type: 'string', default: 'staging' } },
    steps: { reg: { uses: 'register', with: withSettings, ...(outputs ? { outputs } : {}) }, next: { command: ['true'], inputs: { r: 'reg.registered' }, outputs: ['x'] } },
  });
  const resolve = (raw: unknown): unknown => resolvePipeline(raw, { source: 'inline', workDir: process.cwd(), builtins: { register } });

  it('validates `with:` with the parameters\' defaults filled in, and checks declared outputs', async () => {
    const message = await problemsOf(() => resolve(doc({ name: 'iris', alias: '{params.alias}' }, ['registered', 'extra'])));
    expect(message).toContain('steps.reg.with: alias must be candidate or production, got staging');
    expect(message).toContain('steps.reg.outputs.1: built-in "register" has no output "extra" (its outputs: registered)');
  });

  it('takes the built-in\'s outputs as the step\'s and lets downstream steps use them', () => {
    const pipeline = resolve(doc({ name: 'iris', alias: 'candidate' })) as { steps: { kind: string; outputs: string[] }[] };
    expect(pipeline.steps[0]).toMatchObject({ kind: 'builtin', outputs: ['registered'] });
  });

  it('checks parameter values given for a run, all problems at once', async () => {
    const specs = { n: { type: 'integer', min: 1 }, on: { type: 'boolean', default: false }, ratio: { type: 'number', default: 0.5, max: 1 } } as const;
    expect(resolveParams(specs, { n: '3', on: 'yes' }, 'p')).toEqual({ n: 3, on: true, ratio: 0.5 });
    const message = await problemsOf(() => resolveParams(specs, { on: 'maybe', ratio: 'x' }, 'p'));
    expect(message).toContain('params.n: required (it has no default): pass --param n=<integer>');
    expect(message).toContain('params.on: expected a boolean, got "maybe"');
    expect(message).toContain('params.ratio: expected a finite number, got "x"');
  });
});
