import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlError } from '../../src/errors/ml-error.js';
import { loadFunctionModel } from '../../src/runtime/function/load.js';
import type { Tensor } from '../../src/tensor/tensor.js';

const FIXTURES = new URL('../fixtures/function-model/', import.meta.url).pathname;
const features: Tensor = { dtype: 'float32', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) };

async function loadError(path: string, options?: { exportName?: string }): Promise<MlError> {
  const err: unknown = await loadFunctionModel(path, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MlError);
  return err as MlError;
}

describe('loadFunctionModel: TypeScript', () => {
  it('loads a defineFunctionModel module and exposes its signatures', async () => {
    const model = await loadFunctionModel(join(FIXTURES, 'model.ts'));
    expect(model.defaultSignature).toBe('predict');
    expect(Object.keys(model.signatures)).toEqual(['predict', 'mean']);
    expect(model.signatures.predict).toEqual({
      name: 'predict',
      inputs: [{ name: 'features', dtype: 'float32', shape: [-1, -1] }],
      outputs: [
        { name: 'prediction', dtype: 'float32', shape: [-1] },
        { name: 'n_features', dtype: 'int32', shape: [-1] },
      ],
    });
    await model.dispose();
  });

  it('runs the default signature: the sum of features', async () => {
    const model = await loadFunctionModel(join(FIXTURES, 'model.ts'));
    const out = await model.run({ features });
    expect(Object.keys(out)).toEqual(['prediction', 'n_features']);
    expect(Array.from(out.prediction?.data as Float32Array)).toEqual([6, 15]);
    expect(out.prediction?.shape).toEqual([2]);
    expect(Array.from(out.n_features?.data as Int32Array)).toEqual([3, 3]);
  });

  it('runs a named signature and narrows outputs', async () => {
    const model = await loadFunctionModel(join(FIXTURES, 'model.ts'));
    const mean = await model.run({ features }, { signature: 'mean' });
    expect(Array.from(mean.mean?.data as Float32Array)).toEqual([2, 5]);
    const narrowed = await model.run({ features }, { outputs: ['n_features'] });
    expect(Object.keys(narrowed)).toEqual(['n_features']);
  });

  it('keeps an MlError the module throws on purpose, even from its own copy of the class', async () => {
    const model = await loadFunctionModel(join(FIXTURES, 'invalid/rejects-request.ts'));
    const x: Tensor = { dtype: 'float32', shape: [1], data: Float32Array.from([-1]) };
    const err: unknown = await model.run({ x }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MlError);
    expect((err as MlError).code).toBe('INVALID_REQUEST');
    expect((err as MlError).status).toBe(400);
    expect((err as MlError).message).toBe('Invalid request: x must be non-negative');
  });
});

describe('loadFunctionModel: JavaScript', () => {
  it('loads a plain .mjs module without the helper', async () => {
    const model = await loadFunctionModel(join(FIXTURES, 'model.mjs'));
    expect(model.defaultSignature).toBe('serving_default');
    const out = await model.run({ features });
    expect(Array.from(out.prediction?.data as Float32Array)).toEqual([6, 15]);
  });

  it('loads a named export', async () => {
    const model = await loadFunctionModel(join(FIXTURES, 'named-export.mjs'), { exportName: 'doubler' });
    const out = await model.run({ x: { dtype: 'float64', shape: [2], data: Float64Array.from([1.5, -2]) } });
    expect(Array.from(out.y?.data as Float64Array)).toEqual([3, -4]);
  });
});

describe('loadFunctionModel: bad modules', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mlpatterns-fn-'));
    await writeFile(join(dir, 'syntax.mjs'), 'export default {\n');
    await writeFile(join(dir, 'syntax.ts'), 'export default const = ;\n');
    await writeFile(join(dir, 'model.py'), 'print(1)\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('rejects a missing file', async () => {
    const path = join(FIXTURES, 'nope.ts');
    const err = await loadError(path);
    expect(err.code).toBe('INVALID_MODEL_FILE');
    expect(err.params).toEqual({ path, reason: 'file not found' });
  });

  it('rejects an unsupported extension', async () => {
    const err = await loadError(join(dir, 'model.py'));
    expect(err.params.reason).toMatch(/^unsupported module extension "\.py"/);
  });

  it('rejects modules that do not parse', async () => {
    for (const file of ['syntax.mjs', 'syntax.ts']) {
      const err = await loadError(join(dir, file));
      expect(err.code).toBe('INVALID_MODEL_FILE');
      expect(err.params.reason).toMatch(/^cannot import module: /);
    }
  });

  it('rejects a missing export, naming the exports there are', async () => {
    const err = await loadError(join(FIXTURES, 'named-export.mjs'));
    expect(err.params.reason).toBe('the module has no export "default" (exports: doubler)');
  });

  it('rejects an export that is not a model definition', async () => {
    const err = await loadError(join(FIXTURES, 'invalid/not-a-model.mjs'));
    expect(err.code).toBe('INVALID_MODEL_FILE');
    expect(err.params.reason).toBe(
      'export "default" is not a function model: signatures: must declare at least one signature; run: must be a function',
    );
  });
});

describe('function model runs', () => {
  const x: Tensor = { dtype: 'float32', shape: [2], data: Float32Array.from([1, 2]) };

  it('wraps a throwing run as INFERENCE_FAILED', async () => {
    const model = await loadFunctionModel(join(FIXTURES, 'invalid/throws.mjs'));
    const err: unknown = await model.run({ x }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MlError);
    expect((err as MlError).code).toBe('INFERENCE_FAILED');
    expect((err as MlError).params).toEqual({ name: 'throws', reason: 'boom' });
  });

  it('rejects malformed outputs as INFERENCE_FAILED', async () => {
    const model = await loadFunctionModel(join(FIXTURES, 'invalid/bad-output.mjs'));
    const err: unknown = await model.run({ x }).catch((e: unknown) => e);
    expect((err as MlError).code).toBe('INFERENCE_FAILED');
    expect((err as MlError).params.reason).toBe('output "y": data must be a Float32Array for float32');
  });

  it('rejects an unknown signature or output', async () => {
    const model = await loadFunctionModel(join(FIXTURES, 'model.ts'));
    const sig: unknown = await model.run({ features }, { signature: 'nope' }).catch((e: unknown) => e);
    expect((sig as MlError).code).toBe('UNKNOWN_SIGNATURE');
    expect((sig as MlError).params).toEqual({ signature: 'nope', expected: 'predict, mean' });
    const out: unknown = await model.run({ features }, { outputs: ['mean'] }).catch((e: unknown) => e);
    expect((out as MlError).code).toBe('UNKNOWN_OUTPUT');
    expect((out as MlError).params).toEqual({ output: 'mean', expected: 'prediction, n_features' });
  });
});
