import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlError } from '../../src/errors/ml-error.js';
import { encodeModel } from '../../src/onnx/proto.js';
import { readOnnxModel } from '../../src/onnx/read-model.js';
import { loadOnnxModel, type OnnxServingFunction } from '../../src/runtime/onnx/onnx-serving-function.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { maxAbsDiff } from './helpers/compare.js';
import { loadExpected, readReferenceModel, referenceModelPath } from './helpers/reference-models.js';

const expected = loadExpected();
const TOLERANCE = 1e-4;

function features(rows: readonly (readonly number[])[]): Tensor {
  return { dtype: 'float32', shape: [rows.length, 4], data: Float32Array.from(rows.flat()) };
}

async function expectMlError(promise: Promise<unknown>, code: string): Promise<MlError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MlError);
  expect((err as MlError).code).toBe(code);
  return err as MlError;
}

const CLASSIFIERS = ['iris_svc', 'iris_rf', 'iris_svc_0_setosa', 'iris_svc_0_versicolor', 'iris_svc_0_virginica'] as const;

describe.each(CLASSIFIERS)('%s', (name) => {
  let model: OnnxServingFunction;
  const rows = expected[name];

  beforeAll(async () => {
    model = await loadOnnxModel(referenceModelPath(name));
  });
  afterAll(async () => {
    await model.dispose();
  });

  it('infers probabilities (default) and label signatures', () => {
    expect(model.defaultSignature).toBe('probabilities');
    expect(Object.keys(model.signatures).sort()).toEqual(['label', 'probabilities']);
    const columns = rows[0]?.length ?? 0;
    expect(model.signatures.probabilities?.outputs).toEqual([
      { name: 'output_probability', dtype: 'float32', shape: [-1, columns] },
    ]);
    expect(model.signatures.label?.outputs).toEqual([{ name: 'output_label', dtype: 'int64', shape: [-1] }]);
    expect(model.signatures.probabilities?.inputs).toEqual([{ name: 'float_input', dtype: 'float32', shape: [-1, 4] }]);
    expect(model.info.kind).toBe('classifier');
    expect(model.info.classLabels).toEqual(columns === 3 ? ['0', '1', '2'] : ['0', '1']);
  });

  it('matches the expected probabilities for all 153 inputs in one batch', async () => {
    const out = await model.run({ float_input: features(expected.inputs) });
    const probabilities = out.output_probability;
    expect(probabilities?.dtype).toBe('float32');
    expect(probabilities?.shape).toEqual([expected.inputs.length, rows[0]?.length]);
    expect(maxAbsDiff(probabilities?.data as Float32Array, rows)).toBeLessThan(TOLERANCE);
    expect(Object.keys(out)).toEqual(['output_probability']);
  });

  it('matches the expected probabilities one row at a time', async () => {
    for (const i of [0, 1, 57, 106, 149, 150, 151, 152]) {
      const out = await model.run({ float_input: features([expected.inputs[i] ?? []]) });
      expect(maxAbsDiff(out.output_probability?.data as Float32Array, [rows[i] ?? []])).toBeLessThan(TOLERANCE);
    }
  });

  it('returns int64 labels that agree with clear-cut probabilities', async () => {
    const out = await model.run({ float_input: features(expected.inputs) }, { signature: 'label' });
    const labels = out.output_label;
    expect(labels?.dtype).toBe('int64');
    expect(labels?.data).toBeInstanceOf(BigInt64Array);
    expect(labels?.shape).toEqual([expected.inputs.length]);
    const predicted = Array.from(labels?.data as BigInt64Array, Number);
    rows.forEach((probabilities, i) => {
      const best = Math.max(...probabilities);
      // SVC labels come from the decision function, not from the Platt probabilities: compare clear cases only.
      if (best > 0.7) expect(predicted[i]).toBe(probabilities.indexOf(best));
    });
  });
});

describe('iris_ocs (OneClassSVM)', () => {
  it('scores all inputs as expected under an inferred default signature', async () => {
    const model = await loadOnnxModel(readReferenceModel('iris_ocs'));
    try {
      expect(model.info.kind).toBe('regressor');
      expect(model.defaultSignature).toBe('default');
      expect(model.signatures.default?.outputs.map((o) => o.name)).toEqual(['label', 'scores']);
      const out = await model.run({ float_input: features(expected.inputs) }, { outputs: ['scores'] });
      expect(Object.keys(out)).toEqual(['scores']);
      expect(out.scores?.shape).toEqual([expected.inputs.length, 1]);
      const scores = expected.iris_ocs_score.map((s) => [s]);
      expect(maxAbsDiff(out.scores?.data as Float32Array, scores)).toBeLessThan(TOLERANCE);
    } finally {
      await model.dispose();
    }
  });
});

describe('declared signatures', () => {
  it('uses the declared names, outputs and default', async () => {
    const model = await loadOnnxModel(referenceModelPath('iris_svc'), {
      signatures: {
        predict: { outputs: ['output_label'] },
        both: { outputs: ['output_probability', 'output_label'], default: true },
      },
    });
    try {
      expect(model.defaultSignature).toBe('both');
      const out = await model.run({ float_input: features(expected.inputs.slice(0, 2)) });
      expect(Object.keys(out).sort()).toEqual(['output_label', 'output_probability']);
      const narrowed = await model.run({ float_input: features(expected.inputs.slice(0, 2)) }, { outputs: ['output_label'] });
      expect(Object.keys(narrowed)).toEqual(['output_label']);
      expect(Array.from(narrowed.output_label?.data as BigInt64Array)).toEqual([0n, 0n]);
    } finally {
      await model.dispose();
    }
  });

  it('rejects a signature naming an output the graph lacks', async () => {
    const err = await expectMlError(
      loadOnnxModel(referenceModelPath('iris_svc'), { signatures: { p: { outputs: ['probabilities'] } } }),
      'INVALID_MANIFEST',
    );
    expect(err.message).toContain('probabilities');
  });

  it('rejects two default signatures', async () => {
    await expectMlError(
      loadOnnxModel(referenceModelPath('iris_svc'), {
        signatures: { a: { outputs: ['output_label'], default: true }, b: { outputs: ['output_label'], default: true } },
      }),
      'INVALID_MANIFEST',
    );
  });
});

describe('run errors', () => {
  let model: OnnxServingFunction;
  beforeAll(async () => {
    model = await loadOnnxModel(referenceModelPath('iris_svc'), { name: 'iris' });
  });
  afterAll(async () => {
    await model.dispose();
  });

  it('reports an unknown signature or output', async () => {
    await expectMlError(model.run({ float_input: features([[1, 2, 3, 4]]) }, { signature: 'nope' }), 'UNKNOWN_SIGNATURE');
    await expectMlError(model.run({ float_input: features([[1, 2, 3, 4]]) }, { outputs: ['nope'] }), 'UNKNOWN_OUTPUT');
  });

  it('computes any graph output when outputs are named (OIP), the signature\'s otherwise', async () => {
    const both = await model.run({ float_input: features([[5.1, 3.5, 1.4, 0.2]]) }, { outputs: ['output_label', 'output_probability'] });
    expect(Object.keys(both).sort()).toEqual(['output_label', 'output_probability']);
    expect(Array.from(both.output_label?.data as BigInt64Array)).toEqual([0n]);
    const plain = await model.run({ float_input: features([[5.1, 3.5, 1.4, 0.2]]) });
    expect(Object.keys(plain)).toEqual(['output_probability']);
  });

  it('reports missing and unknown inputs', async () => {
    await expectMlError(model.run({}), 'MISSING_INPUT');
    await expectMlError(model.run({ float_input: features([[1, 2, 3, 4]]), extra: features([[1, 2, 3, 4]]) }), 'UNKNOWN_INPUT');
  });

  it('reports a typed array that does not match the dtype', async () => {
    const mismatched = { dtype: 'float32', shape: [1, 4], data: new Float64Array(4) } as const;
    await expectMlError(model.run({ float_input: mismatched }), 'INVALID_DTYPE');
  });

  it('wraps onnxruntime failures as INFERENCE_FAILED with the model name', async () => {
    const wrongWidth: Tensor = { dtype: 'float32', shape: [1, 3], data: new Float32Array(3) };
    const err = await expectMlError(model.run({ float_input: wrongWidth }), 'INFERENCE_FAILED');
    expect(err.params.name).toBe('iris');
    expect(err.message).not.toContain('\n');
  });
});

describe('invalid model files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlpatterns-onnx-'));

  it('rejects a text file', async () => {
    const path = join(dir, 'notes.onnx');
    writeFileSync(path, 'this is not a model\nit is a text file\n');
    const err = await expectMlError(loadOnnxModel(path), 'INVALID_MODEL_FILE');
    expect(err.params.path).toBe(path);
  });

  it('rejects truncated bytes', async () => {
    const bytes = readReferenceModel('iris_svc');
    await expectMlError(loadOnnxModel(bytes.subarray(0, Math.floor(bytes.length / 2))), 'INVALID_MODEL_FILE');
  });

  it('rejects overwritten bytes', async () => {
    const bytes = Uint8Array.from(readReferenceModel('iris_ocs'));
    bytes.fill(0x55, 200, 260);
    await expectMlError(loadOnnxModel(bytes), 'INVALID_MODEL_FILE');
  });

  it('rejects a well-formed file whose graph onnxruntime cannot load', async () => {
    const model = readOnnxModel(readReferenceModel('iris_ocs'));
    const svm = model.graph.node.find((n) => n.opType === 'SVMRegressor');
    if (svm) svm.opType = 'NoSuchOperator';
    const err = await expectMlError(loadOnnxModel(encodeModel(model)), 'INVALID_MODEL_FILE');
    expect(err.params.reason).toContain('NoSuchOperator');
  });

  it('rejects a missing file', async () => {
    const err = await expectMlError(loadOnnxModel(join(dir, 'missing.onnx')), 'INVALID_MODEL_FILE');
    expect(err.params.reason).toBe('no such file');
  });
});

describe('dispose', () => {
  it('releases the session; later runs report MODEL_NOT_READY', async () => {
    const model = await loadOnnxModel(referenceModelPath('iris_rf'));
    await model.dispose();
    await model.dispose();
    await expectMlError(model.run({ float_input: features([[1, 2, 3, 4]]) }), 'MODEL_NOT_READY');
  });
});
