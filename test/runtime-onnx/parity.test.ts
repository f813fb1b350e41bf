import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeModel } from '../../src/onnx/proto.js';
import { readOnnxModel } from '../../src/onnx/read-model.js';
import { loadOnnxModel, type OnnxServingFunction } from '../../src/runtime/onnx/onnx-serving-function.js';
import type { OnnxExecutor } from '../../src/runtime/onnx/session-options.js';
import type { NamedTensors, Tensor } from '../../src/tensor/tensor.js';
import { maxAbsDiff } from '../onnx/helpers/compare.js';
import { loadExpected, readReferenceModel, referenceModelPath } from '../onnx/helpers/reference-models.js';
import { expectMlError, valuesOf } from './helpers/assertions.js';
import { wideInput, wideMlpBytes } from './helpers/wide-mlp.js';

/** Inline and worker executors give the same interface, results and errors. */

const expected = loadExpected();
const TOLERANCE = 1e-4;
const EXECUTORS: readonly OnnxExecutor[] = ['inline', 'worker'];

function features(rows: readonly (readonly number[])[]): Tensor {
  return { dtype: 'float32', shape: [rows.length, 4], data: Float32Array.from(rows.flat()) };
}

async function loadBoth(source: string | Uint8Array, name = 'm'): Promise<Record<OnnxExecutor, OnnxServingFunction>> {
  const [inline, worker] = await Promise.all(EXECUTORS.map((executor) => loadOnnxModel(source, { name, session: { executor } })));
  if (inline === undefined || worker === undefined) throw new Error('unreachable');
  return { inline, worker };
}

async function disposeBoth(models: Record<OnnxExecutor, OnnxServingFunction> | undefined): Promise<void> {
  if (models) await Promise.all(EXECUTORS.map((e) => models[e].dispose()));
}

function expectSameTensors(a: NamedTensors, b: NamedTensors): void {
  expect(Object.keys(b)).toEqual(Object.keys(a));
  for (const [name, t] of Object.entries(a)) {
    const other = b[name];
    expect(other?.dtype).toBe(t.dtype);
    expect(other?.shape).toEqual(t.shape);
    expect(other?.data.constructor).toBe(t.data.constructor);
    expect(valuesOf(other)).toEqual(valuesOf(t));
  }
}

const CLASSIFIERS = ['iris_svc', 'iris_rf', 'iris_svc_0_setosa', 'iris_svc_0_versicolor', 'iris_svc_0_virginica'] as const;

describe.each(CLASSIFIERS)('%s: inline and worker', (name) => {
  let models: Record<OnnxExecutor, OnnxServingFunction> | undefined;
  const model = (e: OnnxExecutor): OnnxServingFunction => models?.[e] ?? expect.fail('not loaded');

  beforeAll(async () => {
    models = await loadBoth(referenceModelPath(name));
  });
  afterAll(() => disposeBoth(models));

  it('report the executor and the same info, rewrites and signatures', () => {
    expect(model('inline').executor).toBe('inline');
    expect(model('worker').executor).toBe('worker');
    expect(model('worker').info).toEqual(model('inline').info);
    expect(model('worker').rewrites).toEqual(model('inline').rewrites);
    expect(model('worker').signatures).toEqual(model('inline').signatures);
    expect(model('worker').defaultSignature).toBe(model('inline').defaultSignature);
  });

  it.each(EXECUTORS)('%s matches expected.json for all inputs in one batch', async (executor) => {
    const out = await model(executor).run({ float_input: features(expected.inputs) });
    expect(maxAbsDiff(out.output_probability?.data as Float32Array, expected[name])).toBeLessThan(TOLERANCE);
  });

  it('agree exactly on probabilities and int64 labels, batch and single rows', async () => {
    for (const signature of ['probabilities', 'label']) {
      const batch = { float_input: features(expected.inputs) };
      expectSameTensors(await model('inline').run(batch, { signature }), await model('worker').run(batch, { signature }));
    }
    for (const row of [0, 57, 152]) {
      const one = { float_input: features([expected.inputs[row] ?? []]) };
      const outputs = ['output_label', 'output_probability'];
      expectSameTensors(await model('inline').run(one, { outputs }), await model('worker').run(one, { outputs }));
    }
  });
});

describe('iris_ocs (OneClassSVM): inline and worker', () => {
  it('score as expected.json and agree', async () => {
    const models = await loadBoth(readReferenceModel('iris_ocs'));
    try {
      const scores = expected.iris_ocs_score.map((s) => [s]);
      const inputs = { float_input: features(expected.inputs) };
      const [inline, worker] = await Promise.all(EXECUTORS.map((e) => models[e].run(inputs, { outputs: ['scores', 'label'] })));
      expect(maxAbsDiff(worker?.scores?.data as Float32Array, scores)).toBeLessThan(TOLERANCE);
      expect(maxAbsDiff(inline?.scores?.data as Float32Array, scores)).toBeLessThan(TOLERANCE);
      expectSameTensors(inline ?? {}, worker ?? {});
    } finally {
      await disposeBoth(models);
    }
  });
});

describe('wide MLP (256→1024→1024→1024→10): inline and worker', () => {
  let models: Record<OnnxExecutor, OnnxServingFunction> | undefined;
  beforeAll(async () => {
    models = await loadBoth(wideMlpBytes(), 'wide');
  });
  afterAll(() => disposeBoth(models));

  it.each([1, 64, 300])('agree on %i rows', async (rows) => {
    const inputs = wideInput(rows);
    const inline = await models?.inline.run(inputs, { outputs: ['logits', 'label'] });
    const worker = await models?.worker.run(inputs, { outputs: ['logits', 'label'] });
    expect(worker?.logits?.shape).toEqual([rows, 10]);
    const inlineRows = Array.from({ length: rows }, (_, r) => Array.from(inline?.logits?.data.slice(r * 10, r * 10 + 10) ?? [], Number));
    expect(maxAbsDiff(worker?.logits?.data as Float32Array, inlineRows)).toBeLessThan(TOLERANCE);
    expect(valuesOf(worker?.label)).toEqual(valuesOf(inline?.label));
  });

  it('leave the caller\'s input buffers intact (copied, never transferred)', async () => {
    const inputs = wideInput(8);
    const data = inputs.features.data as Float32Array;
    const before = Array.from(data);
    await models?.worker.run(inputs);
    expect(data.byteLength).toBe(8 * 256 * 4);
    expect(Array.from(data)).toEqual(before);
  });

  it('accept inputs that are views into a larger buffer (a request body, a batch)', async () => {
    const whole = wideInput(6).features.data as Float32Array;
    const view = new Float32Array(whole.buffer, 2 * 256 * 4, 3 * 256);
    const fromView = await models?.worker.run({ features: { dtype: 'float32', shape: [3, 256], data: view } });
    const fromCopy = await models?.inline.run({ features: { dtype: 'float32', shape: [3, 256], data: view.slice() } });
    expectSameTensors(fromCopy ?? {}, fromView ?? {});
    expect(whole.byteLength).toBe(6 * 256 * 4);
  });
});

describe('errors are the same in both modes', () => {
  let models: Record<OnnxExecutor, OnnxServingFunction> | undefined;
  beforeAll(async () => {
    models = await loadBoth(referenceModelPath('iris_svc'), 'iris');
  });
  afterAll(() => disposeBoth(models));

  it.each([
    ['a wrong width', { dtype: 'float32', shape: [1, 3], data: new Float32Array(3) }],
    ['a dtype onnxruntime refuses (float64 for float32)', { dtype: 'float64', shape: [1, 4], data: new Float64Array(4) }],
    ['an int32 tensor for a float input', { dtype: 'int32', shape: [2, 4], data: new Int32Array(8) }],
  ] satisfies [string, Tensor][])('INFERENCE_FAILED for %s, with the same one-line reason', async (_, tensor) => {
    const [inline, worker] = await Promise.all(
      EXECUTORS.map((e) => expectMlError(models?.[e].run({ float_input: tensor }) ?? Promise.resolve(), 'INFERENCE_FAILED')),
    );
    expect(worker?.params).toEqual(inline?.params);
    expect(worker?.params.name).toBe('iris');
    expect(worker?.message).not.toContain('\n');
    expect(worker?.cause).toBeInstanceOf(Error);
  });

  it.each(EXECUTORS)('%s: INVALID_DTYPE, UNKNOWN_* and MISSING_INPUT before any run', async (executor) => {
    const model = models?.[executor];
    await expectMlError(model?.run({ float_input: { dtype: 'float32', shape: [1, 4], data: new Float64Array(4) } }) ?? Promise.resolve(), 'INVALID_DTYPE');
    await expectMlError(model?.run({ float_input: features([[1, 2, 3, 4]]) }, { signature: 'nope' }) ?? Promise.resolve(), 'UNKNOWN_SIGNATURE');
    await expectMlError(model?.run({ float_input: features([[1, 2, 3, 4]]) }, { outputs: ['nope'] }) ?? Promise.resolve(), 'UNKNOWN_OUTPUT');
    await expectMlError(model?.run({}) ?? Promise.resolve(), 'MISSING_INPUT');
  });

  it('INVALID_MODEL_FILE with the same reason for a graph onnxruntime cannot load', async () => {
    const model = readOnnxModel(readReferenceModel('iris_ocs'));
    const svm = model.graph.node.find((n) => n.opType === 'SVMRegressor');
    if (svm) svm.opType = 'NoSuchOperator';
    const bytes = encodeModel(model);
    const [inline, worker] = await Promise.all(
      EXECUTORS.map((executor) => expectMlError(loadOnnxModel(bytes, { session: { executor } }), 'INVALID_MODEL_FILE')),
    );
    expect(worker?.params).toEqual(inline?.params);
    expect(worker?.params.reason).toContain('NoSuchOperator');
  });
});

describe('executor selection', () => {
  it('defaults to inline for a small model and to worker threads for a big one', async () => {
    const small = await loadOnnxModel(referenceModelPath('iris_rf'));
    const big = await loadOnnxModel(wideMlpBytes());
    try {
      expect(small.executor).toBe('inline');
      expect(big.executor).toBe('worker');
    } finally {
      await small.dispose();
      await big.dispose();
    }
  });
});
