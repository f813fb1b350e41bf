import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { MlError } from '../../src/errors/ml-error.js';
import { encodeModel, ElemType, onnx } from '../../src/onnx/proto.js';
import { readOnnxModel as decodeModel, type ModelWithGraph } from '../../src/onnx/read-model.js';
import { prepareForServing } from '../../src/onnx/rewrite.js';
import { zipMapToTensor } from '../../src/onnx/rewrites/zipmap-to-tensor.js';
import { UniqueNames } from '../../src/onnx/unique-names.js';
import { maxAbsDiff } from './helpers/compare.js';
import { loadExpected, readReferenceModel } from './helpers/reference-models.js';

const expected = loadExpected();

function opTypes(model: ModelWithGraph): string[] {
  return model.graph.node.map((n) => n.opType ?? '');
}

async function probabilities(bytes: Uint8Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
  try {
    const input = new ort.Tensor('float32', Float32Array.from(expected.inputs.flat()), [expected.inputs.length, 4]);
    const out = await session.run({ float_input: input }, ['output_probability']);
    return out.output_probability?.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('ZipMap to tensor', () => {
  it('replaces the ZipMap by an Identity and types the output as float [N, C]', () => {
    const { bytes, rewrites } = prepareForServing(readReferenceModel('iris_svc'));
    const model = decodeModel(bytes);
    expect(rewrites).toHaveLength(1);
    expect(rewrites[0]).toContain('ZipMap');
    expect(opTypes(model)).toEqual(['Scaler', 'SVMClassifier', 'Cast', 'Identity']);
    const output = model.graph.output.find((o) => o.name === 'output_probability');
    expect(output?.type?.tensorType?.elemType).toBe(ElemType.FLOAT);
    expect(output?.type?.tensorType?.shape?.dim?.map((d) => Number(d.dimValue))).toEqual([0, 3]);
  });

  it('leaves a ZipMap alone when another node reads its output', () => {
    const model = decodeModel(readReferenceModel('iris_svc'));
    model.graph.node.push(onnx.NodeProto.create({ opType: 'Identity', input: ['output_probability'], output: ['copy'] }));
    expect(zipMapToTensor(model, new UniqueNames(model.graph))).toEqual([]);
    expect(opTypes(model)).toContain('ZipMap');
  });
});

describe('Scaler in float64 before tree ensembles', () => {
  it('rewrites the Scaler of iris_rf into Cast, Sub, Mul on doubles', () => {
    const original = decodeModel(readReferenceModel('iris_rf'));
    const scaler = original.graph.node.find((n) => n.opType === 'Scaler');
    const { bytes, rewrites } = prepareForServing(readReferenceModel('iris_rf'));
    const model = decodeModel(bytes);

    expect(rewrites).toHaveLength(2);
    expect(opTypes(model)).toEqual(['Cast', 'Sub', 'Mul', 'TreeEnsembleClassifier', 'Cast', 'Identity']);
    const [cast, sub, mul, tree] = model.graph.node;
    expect(cast?.input).toEqual(scaler?.input);
    expect(Number(cast?.attribute?.[0]?.i)).toBe(ElemType.DOUBLE);
    expect(tree?.input).toEqual(mul?.output);
    const doubles = model.graph.initializer.filter((t) => t.dataType === ElemType.DOUBLE);
    expect(doubles.map((t) => t.name)).toEqual([sub?.input?.[1], mul?.input?.[1]]);
    expect(doubles[0]?.doubleData).toEqual(scaler?.attribute?.find((a) => a.name === 'offset')?.floats);
    expect(doubles[1]?.doubleData).toEqual(scaler?.attribute?.find((a) => a.name === 'scale')?.floats);
    const names = model.graph.node.map((n) => n.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('is what makes iris_rf match scikit-learn on rows that sit on a threshold', async () => {
    const zipMapOnly = decodeModel(readReferenceModel('iris_rf'));
    zipMapToTensor(zipMapOnly, new UniqueNames(zipMapOnly.graph));
    expect(maxAbsDiff(await probabilities(encodeModel(zipMapOnly)), expected.iris_rf)).toBeGreaterThan(1e-3);
    const prepared = prepareForServing(readReferenceModel('iris_rf')).bytes;
    expect(maxAbsDiff(await probabilities(prepared), expected.iris_rf)).toBeLessThan(1e-4);
  });

  it('keeps the float32 Scaler when something other than a tree ensemble reads it', () => {
    const model = decodeModel(readReferenceModel('iris_rf'));
    const scaled = model.graph.node.find((n) => n.opType === 'Scaler')?.output?.[0] ?? '';
    model.graph.node.push(onnx.NodeProto.create({ opType: 'Identity', input: [scaled], output: ['scaled_copy'] }));
    const { rewrites, bytes } = prepareForServing(encodeModel(model));
    expect(rewrites.join('\n')).not.toContain('Scaler');
    expect(opTypes(decodeModel(bytes))).toContain('Scaler');
  });

  it('keeps the Scaler of SVM models (iris_svc, iris_ocs)', () => {
    expect(opTypes(decodeModel(prepareForServing(readReferenceModel('iris_svc')).bytes))).toContain('Scaler');
    expect(opTypes(decodeModel(prepareForServing(readReferenceModel('iris_ocs')).bytes))).toContain('Scaler');
  });
});

describe('prepareForServing', () => {
  it('returns the very same bytes when nothing needs rewriting', () => {
    const bytes = readReferenceModel('iris_ocs');
    const prepared = prepareForServing(bytes);
    expect(prepared.rewrites).toEqual([]);
    expect(prepared.bytes).toBe(bytes);
  });

  it('throws INVALID_MODEL_FILE for bytes that are not ONNX', () => {
    const text = new TextEncoder().encode('name,value\nsetosa,1\n');
    expect(() => prepareForServing(text, 'data.csv')).toThrow(MlError);
    try {
      prepareForServing(text, 'data.csv');
    } catch (err) {
      expect((err as MlError).code).toBe('INVALID_MODEL_FILE');
      expect((err as MlError).params.path).toBe('data.csv');
    }
  });
});

describe('UniqueNames', () => {
  it('skips names the graph already uses', () => {
    const names = new UniqueNames({ node: [{ name: 'a', input: ['a_1'], output: ['b'] }], initializer: [{ name: 'a_2' }] });
    expect([names.next('a'), names.next('a'), names.next('c')]).toEqual(['a_3', 'a_4', 'c']);
  });
});
