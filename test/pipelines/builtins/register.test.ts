import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openRegistry } from '../../../src/app/open-registry.js';
import { MlError } from '../../../src/errors/ml-error.js';
import { register, type RegisteredValue } from '../../../src/pipelines/builtins/register.js';
import { StepRejectedError } from '../../../src/pipelines/types.js';
import type { Registry } from '../../../src/registry/registry.js';
import { IRIS_EXAMPLE } from '../../helpers/fixtures.js';
import { stepContext, type TestContext } from './context.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'mlp-register-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
/** A copy of the iris package with its own description: new bytes, so a new version. */
function irisPackage(): string {
  const dir = path.join(root, `model-${++counter}`);
  cpSync(IRIS_EXAMPLE, dir, { recursive: true });
  const manifest = path.join(dir, 'mlpatterns.model.yaml');
  writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(/^description: .*$/m, `description: iris copy ${counter}`));
  return dir;
}

function metricsFolder(metrics: unknown): string {
  const dir = path.join(root, `metrics-${++counter}`);
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'metrics.json'), typeof metrics === 'string' ? metrics : JSON.stringify(metrics));
  return dir;
}

function freshState(): string {
  return path.join(root, `state-${++counter}`);
}

function context(stateDir: string, params: Record<string, unknown>, metrics: unknown, run = `run-${counter}`): TestContext {
  return stepContext({ root, stateDir, params, inputs: { model: irisPackage(), metrics: metricsFolder(metrics) }, outputs: ['registered'], step: 'register', run, pipeline: 'iris-pipeline' });
}

async function withRegistry<T>(stateDir: string, work: (registry: Registry) => Promise<T>): Promise<T> {
  const opened = await openRegistry({ stateDir });
  try {
    return await work(opened.registry);
  } finally {
    await opened.close();
  }
}

async function rejection(ctx: TestContext): Promise<StepRejectedError> {
  try {
    await register.run(ctx);
  } catch (err) {
    if (err instanceof StepRejectedError) return err;
    throw err;
  }
  throw new Error('expected the gate to reject');
}

function registered(ctx: TestContext): RegisteredValue {
  return JSON.parse(readFileSync(path.join(ctx.outputs.registered ?? '', 'value.json'), 'utf8')) as RegisteredValue;
}

/** Registers a production version directly, as an earlier pipeline run or `models register` would have. */
async function production(stateDir: string, metrics: Record<string, number>): Promise<number> {
  return withRegistry(stateDir, async (registry) => (await registry.register({ name: 'iris', path: irisPackage(), metrics, alias: ['production'] })).version);
}

describe('uses: register', () => {
  it('registers a version that passes the gate, with metrics, baseline and lineage, and points candidate at it', async () => {
    const stateDir = freshState();
    const ctx = context(stateDir, { name: 'iris', gate: ['accuracy >= 0.9', 'log_loss < 0.5'] }, { accuracy: 0.96, f1_macro: 0.95 }, 'run-pass');
    await register.run(ctx);
    const value = registered(ctx);
    expect(value).toMatchObject({ name: 'iris', version: 1, created: true, alias: 'candidate', production: null, source: 'pipeline iris-pipeline run run-pass' });
    expect(value.gate.map((g) => [g.gate, g.passed])).toEqual([['accuracy >= 0.9', true], ['log_loss < 0.5', true]]);
    await withRegistry(stateDir, async (registry) => {
      const version = await registry.get('iris@candidate');
      expect(version.version).toBe(1);
      expect(version.digest).toBe(value.digest);
      // metrics.json wins over the manifest's metrics; the manifest's others (log_loss) are kept.
      expect(version.metrics).toMatchObject({ accuracy: 0.96, f1_macro: 0.95 });
      expect(version.metrics.log_loss).toBeTypeOf('number');
      expect(version.source).toBe('pipeline iris-pipeline run run-pass');
      expect(version.params).toMatchObject({ algorithm: 'multinomial_logistic_regression', lineage: { pipeline: 'iris-pipeline', run: 'run-pass', step: 'register' } });
      const inputs = (version.params.lineage as { inputs: Record<string, string> }).inputs;
      // The model input's digest is the version's: lineage names exactly the bytes that were registered.
      expect(inputs.model).toBe(version.digest);
      expect(inputs.metrics).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect((version.manifest as { baseline?: Record<string, unknown> }).baseline).toHaveProperty('petal_length');
      expect(await registry.tags('iris', 1)).toEqual({ pipeline: 'iris-pipeline', run: 'run-pass' });
      const [move] = await registry.aliasHistory('iris', 'candidate');
      expect(move).toMatchObject({ toVersion: 1, actor: 'pipeline iris-pipeline' });
      expect(move?.reason).toMatch(/gate accuracy >= 0\.9 \(accuracy=0\.96\) passed/);
    });
    expect(ctx.metrics).toEqual({});
  });

  it('registers nothing when an absolute rule fails, and names every failing rule', async () => {
    const stateDir = freshState();
    const ctx = context(stateDir, { name: 'iris', gate: ['accuracy >= 0.9', 'f1_macro >= 0.9', 'recall >= 0.5'] }, { accuracy: 0.8, f1_macro: 0.95 });
    const err = await rejection(ctx);
    expect(err.reasons).toEqual(['accuracy >= 0.9 (accuracy=0.8) failed', 'recall >= 0.5 (recall=missing) failed']);
    expect(err.message).toMatch(/iris: the evaluation gate failed \(2 of 3 rules\), nothing registered/);
    expect(existsSync(path.join(ctx.outputs.registered ?? '', 'value.json'))).toBe(false);
    await withRegistry(stateDir, async (registry) => {
      await expect(registry.get('iris')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    });
  });

  it('compares with the production version in the direction the operator gives, both ways', async () => {
    const stateDir = freshState();
    const prod = await production(stateDir, { accuracy: 0.95, mae: 0.4 });
    const gate = ['accuracy >= production - 0.02', 'mae <= production * 1.05'];

    // Accuracy fell by more than 0.02 (higher is better) and MAE rose by more than 5% (lower is better).
    const worse = await rejection(context(stateDir, { name: 'iris', gate }, { accuracy: 0.92, mae: 0.43 }));
    expect(worse.reasons).toEqual([
      'accuracy >= production - 0.02 (accuracy=0.92, bound 0.93 from production 0.95) failed',
      'mae <= production * 1.05 (mae=0.43, bound 0.42 from production 0.4) failed',
    ]);
    // Only the MAE regression: the other rule passes, the run is still rejected.
    const maeOnly = await rejection(context(stateDir, { name: 'iris', gate }, { accuracy: 0.97, mae: 0.5 }));
    expect(maeOnly.reasons).toEqual(['mae <= production * 1.05 (mae=0.5, bound 0.42 from production 0.4) failed']);

    // Exactly at the bounds passes (0.95 - 0.02 is 0.93 here, not 0.9299999999999999).
    const ctx = context(stateDir, { name: 'iris', gate }, { accuracy: 0.93, mae: 0.42 });
    await register.run(ctx);
    expect(registered(ctx)).toMatchObject({ version: prod + 1, alias: 'candidate', production: prod });
    expect(registered(ctx).gate).toEqual([
      { gate: 'accuracy >= production - 0.02', metric: 'accuracy', value: 0.93, passed: true, production: 0.95, bound: 0.93 },
      { gate: 'mae <= production * 1.05', metric: 'mae', value: 0.42, passed: true, production: 0.4, bound: 0.42 },
    ]);
    await withRegistry(stateDir, async (registry) => {
      expect((await registry.get('iris@production')).version).toBe(prod);
      expect((await registry.get('iris@candidate')).version).toBe(prod + 1);
    });
  });

  it('skips versus-production rules, with a note, when there is no production version yet', async () => {
    const stateDir = freshState();
    const ctx = context(stateDir, { name: 'iris', gate: ['accuracy >= 0.9', 'accuracy >= production - 0.02'], alias: 'production' }, { accuracy: 0.95 });
    await register.run(ctx);
    expect(ctx.logs).toContain('gate rule accuracy >= production - 0.02 skipped: no production version');
    expect(registered(ctx).gate[1]).toMatchObject({ passed: true, skipped: 'no production version' });
    await withRegistry(stateDir, async (registry) => expect((await registry.get('iris@production')).version).toBe(1));

    // A production version without the metric: skipped too, saying so.
    const next = context(stateDir, { name: 'iris', gate: ['f1_macro >= production'], alias: 'none' }, { f1_macro: 0.5 });
    await register.run(next);
    expect(next.logs).toContain('gate rule f1_macro >= production skipped: production v1 has no metric "f1_macro"');
    expect(registered(next)).toMatchObject({ version: 2, alias: null });
    await withRegistry(stateDir, async (registry) => {
      expect((await registry.aliases('iris')).map((a) => [a.alias, a.version])).toEqual([['production', 1]]);
    });
  });

  it('reuses the version when the same bytes are registered again', async () => {
    const stateDir = freshState();
    const first = context(stateDir, { name: 'iris' }, { accuracy: 0.9 });
    await register.run(first);
    const again = stepContext({ root, stateDir, params: { name: 'iris' }, inputs: { model: first.inputs.model ?? '' }, outputs: ['registered'] });
    await register.run(again);
    expect(registered(again)).toMatchObject({ version: 1, created: false });
  });

  it('checks its settings when the pipeline loads, every gate rule included', () => {
    const validate = register.validate ?? (() => undefined);
    expect(() => validate({ name: 'iris', gate: ['accuracy >= 0.9', 'accuracy => production'] })).toThrow(/Invalid gate rule "accuracy => production": .*not a condition/);
    expect(() => validate({ name: 'iris', gate: ['feature:x drifted'] })).toThrow(/must compare a metric/);
    expect(() => validate({ name: 'iris', alias: 'staging' })).toThrow(/alias/);
    expect(() => validate({ name: '-bad' })).toThrow(/name: Invalid model name/);
    expect(() => validate({ name: 'iris', gates: [] })).toThrow(/gates/);
    expect(() => validate({ gate: [] })).toThrow(/name/);
    expect(() => validate({ name: 'iris', gate: ['mae <= production * 1.05', 'accuracy >= production', 'auc > production + 0.01'] })).not.toThrow();
  });

  it('refuses metrics that are not a flat object of numbers, and a missing model input, with STEP_INPUT_INVALID', async () => {
    const stateDir = freshState();
    for (const [metrics, pattern] of [
      ['{not json', /not valid JSON/],
      [[1, 2], /must be an object/],
      [{ accuracy: 'high', f1: null }, /"accuracy", "f1" are not finite numbers/],
    ] as const) {
      const err = await Promise.resolve(register.run(context(stateDir, { name: 'iris' }, metrics))).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(MlError);
      expect((err as MlError).code).toBe('STEP_INPUT_INVALID');
      expect((err as MlError).message).toMatch(pattern);
    }
    const noModel = stepContext({ root, stateDir, params: { name: 'iris' }, outputs: ['registered'] });
    const missing = await Promise.resolve(register.run(noModel)).then(() => undefined, (e: unknown) => e);
    expect(missing).toMatchObject({ code: 'STEP_INPUT_INVALID' });
    expect((missing as Error).message).toMatch(/input "model" is missing/);
  });
});
