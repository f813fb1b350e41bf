import ort from 'onnxruntime-node';
import type { Tensor as OrtTensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { inspectModel } from '../../src/onnx/inspect.js';
import { GraphBuilder } from '../../src/onnx/writer/graph-builder.js';
import { mlp, type DenseLayer } from '../../src/onnx/writer/mlp.js';
import { SeededRandom } from '../../src/training/random.js';
import { maxAbsDiff } from './helpers/compare.js';
import { addRow, argMax, f32, map, matMul, randomMatrix, relu, sigmoid, softmax, type Rows } from './helpers/reference-forward.js';

const TOLERANCE = 1e-5;

async function run(bytes: Uint8Array, feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

function floats(rows: Rows): OrtTensor {
  return new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, rows[0]?.length ?? 0]);
}

function data(result: Record<string, OrtTensor>, name: string): Float32Array {
  return result[name]?.data as Float32Array;
}

describe('GraphBuilder ops against a plain TypeScript forward pass', () => {
  const random = new SeededRandom(7);
  const next = (): number => random.next();
  const x = f32(randomMatrix(next, 5, 4, 3));
  const y = f32(randomMatrix(next, 5, 4, 3));
  const w = f32(randomMatrix(next, 4, 3));
  const b = f32([randomMatrix(next, 1, 3)[0] ?? []])[0] ?? [];

  it('Gemm, MatMul and Add', async () => {
    const g = new GraphBuilder('linear');
    const input = g.input('x', 'float32', [-1, 4]);
    g.output(g.gemm(input, g.constant(w), g.constant({ values: b, dims: [3] }), { name: 'gemm' }), 'float32', [-1, 3]);
    g.output(g.add(g.matMul(input, g.constant(w)), g.constant({ values: b, dims: [3] }), { name: 'matmul_add' }), 'float32', [-1, 3]);
    const transposed = w[0]?.map((_, j) => w.map((row) => row[j] ?? 0)) ?? [];
    g.output(g.gemm(input, g.constant(transposed), undefined, { transB: true, alpha: 2, name: 'gemm_t' }), 'float32', [-1, 3]);
    const out = await run(g.toBytes(), { x: floats(x) });
    const expected = addRow(matMul(x, w), b);
    expect(maxAbsDiff(data(out, 'gemm'), expected)).toBeLessThan(TOLERANCE);
    expect(maxAbsDiff(data(out, 'matmul_add'), expected)).toBeLessThan(TOLERANCE);
    expect(maxAbsDiff(data(out, 'gemm_t'), map(matMul(x, w), (v) => 2 * v))).toBeLessThan(TOLERANCE);
  });

  it('Sub, Mul, Div with broadcasting (a standardisation)', async () => {
    const mean = [1, 2, 3, 4];
    const std = [0.5, 2, 4, 8];
    const g = new GraphBuilder('standardize');
    const input = g.input('x', 'float32', [-1, 4]);
    const centered = g.sub(input, g.constant({ values: mean, dims: [4] }));
    g.output(g.div(centered, g.constant({ values: std, dims: [4] }), { name: 'z' }), 'float32', [-1, 4]);
    g.output(g.mul(input, g.constant(y.slice(0, 1)), { name: 'scaled' }), 'float32', [-1, 4]);
    const out = await run(g.toBytes(), { x: floats(x) });
    expect(maxAbsDiff(data(out, 'z'), x.map((row) => row.map((v, j) => (v - (mean[j] ?? 0)) / (std[j] ?? 1))))).toBeLessThan(TOLERANCE);
    expect(maxAbsDiff(data(out, 'scaled'), x.map((row) => row.map((v, j) => v * (y[0]?.[j] ?? 0))))).toBeLessThan(TOLERANCE);
  });

  it('Relu, Sigmoid, Tanh, Softmax, ArgMax, Cast, Identity, Reshape', async () => {
    const g = new GraphBuilder('activations');
    const input = g.input('x', 'float32', [-1, 4]);
    g.output(g.relu(input, { name: 'relu' }), 'float32', [-1, 4]);
    g.output(g.sigmoid(input, { name: 'sigmoid' }), 'float32', [-1, 4]);
    g.output(g.tanh(input, { name: 'tanh' }), 'float32', [-1, 4]);
    g.output(g.softmax(input, { axis: 1, name: 'softmax' }), 'float32', [-1, 4]);
    g.output(g.argMax(input, { axis: 1, name: 'argmax' }), 'int64', [-1]);
    g.output(g.cast(input, 'float64', { name: 'as_double' }), 'float64', [-1, 4]);
    g.output(g.identity(input, { name: 'same' }), 'float32', [-1, 4]);
    g.output(g.reshape(input, [-1, 2, 2], { name: 'blocks' }), 'float32', [-1, 2, 2]);
    const out = await run(g.toBytes(), { x: floats(x) });
    expect(maxAbsDiff(data(out, 'relu'), map(x, relu))).toBeLessThan(TOLERANCE);
    expect(maxAbsDiff(data(out, 'sigmoid'), map(x, sigmoid))).toBeLessThan(TOLERANCE);
    expect(maxAbsDiff(data(out, 'tanh'), map(x, Math.tanh))).toBeLessThan(TOLERANCE);
    expect(maxAbsDiff(data(out, 'softmax'), softmax(x))).toBeLessThan(TOLERANCE);
    expect(Array.from(out.argmax?.data as BigInt64Array, Number)).toEqual(argMax(x));
    expect(out.as_double?.data).toBeInstanceOf(Float64Array);
    expect(maxAbsDiff(out.as_double?.data as Float64Array, x)).toBe(0);
    expect(maxAbsDiff(data(out, 'same'), x)).toBe(0);
    expect(out.blocks?.dims).toEqual([5, 2, 2]);
  });

  it('refuses duplicate names and unknown inputs', () => {
    const g = new GraphBuilder('bad');
    const input = g.input('x', 'float32', [-1, 4]);
    expect(() => g.relu(input, { name: 'x' })).toThrow(/already used/);
    expect(() => g.relu('nope')).toThrow(/not a value/);
    expect(() => g.output('nope', 'float32', [-1])).toThrow(/not a value/);
    expect(() => g.build()).toThrow(/no outputs/);
  });

  it('writes opset 13 with a dynamic batch dimension', () => {
    const g = new GraphBuilder('meta');
    g.output(g.identity(g.input('x', 'float32', [-1, 4]), { name: 'y' }), 'float32', [-1, 4]);
    const info = inspectModel(g.toBytes());
    expect(info.opsets).toEqual({ 'ai.onnx': 13 });
    expect(info.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: [-1, 4] }]);
    expect(info.producerName).toBe('mlpatterns');
  });
});

describe('mlp', () => {
  const random = new SeededRandom(11);
  const next = (): number => random.next();
  const x = f32(randomMatrix(next, 8, 4, 2));
  const hidden: DenseLayer = { weights: f32(randomMatrix(next, 4, 6)), bias: f32(randomMatrix(next, 1, 6))[0] ?? [], activation: 'relu' };
  const last: DenseLayer = { weights: f32(randomMatrix(next, 6, 3)), bias: f32(randomMatrix(next, 1, 3))[0] ?? [] };
  const logits = addRow(matMul(map(addRow(matMul(x, hidden.weights as Rows), hidden.bias), relu), last.weights as Rows), last.bias);

  it('emits probabilities and label for a classifier', async () => {
    const bytes = mlp({ layers: [hidden, last], outputs: 'probabilities', classLabels: ['a', 'b', 'c'] }).toBytes();
    const out = await run(bytes, { features: floats(x) });
    expect(Object.keys(out).sort()).toEqual(['label', 'probabilities']);
    expect(maxAbsDiff(data(out, 'probabilities'), softmax(logits))).toBeLessThan(TOLERANCE);
    expect(Array.from(out.label?.data as BigInt64Array, Number)).toEqual(argMax(logits));
    expect(inspectModel(bytes)).toMatchObject({
      kind: 'classifier',
      classLabels: ['a', 'b', 'c'],
      probabilityOutput: 'probabilities',
      labelOutput: 'label',
      outputs: [
        { name: 'probabilities', dtype: 'float32', shape: [-1, 3] },
        { name: 'label', dtype: 'int64', shape: [-1] },
      ],
    });
  });

  it('emits logits and label', async () => {
    const out = await run(mlp({ layers: [hidden, last], outputs: 'logits' }).toBytes(), { features: floats(x) });
    expect(maxAbsDiff(data(out, 'logits'), logits)).toBeLessThan(TOLERANCE);
    expect(Array.from(out.label?.data as BigInt64Array, Number)).toEqual(argMax(logits));
  });

  it('emits predictions for a regression, with activations on any layer', async () => {
    const squashed = { ...hidden, activation: 'tanh' as const };
    const out1 = { ...last, activation: 'sigmoid' as const };
    const bytes = mlp({ layers: [squashed, out1], outputs: 'regression', inputName: 'x' }).toBytes();
    const out = await run(bytes, { x: floats(x) });
    const expected = map(addRow(matMul(map(addRow(matMul(x, hidden.weights as Rows), hidden.bias), Math.tanh), last.weights as Rows), last.bias), sigmoid);
    expect(maxAbsDiff(data(out, 'predictions'), expected)).toBeLessThan(TOLERANCE);
  });

  it('checks that the layers fit together', () => {
    expect(() => mlp({ layers: [last, hidden], outputs: 'logits' })).toThrow(/layer 1 takes 4 inputs but receives 3/);
    expect(() => mlp({ layers: [], outputs: 'logits' })).toThrow(/at least one layer/);
    expect(() => mlp({ layers: [last], outputs: 'logits', classLabels: ['a'] })).toThrow(/class labels/);
  });

  it('writes the same bytes for the same weights', () => {
    const a = mlp({ layers: [hidden, last], outputs: 'probabilities' }).toBytes();
    const b = mlp({ layers: [hidden, last], outputs: 'probabilities' }).toBytes();
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });
});
