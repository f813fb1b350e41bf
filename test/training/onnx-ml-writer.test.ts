import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { decodeModel, int64ToNumber } from '../../src/onnx/proto.js';
import { GraphBuilder } from '../../src/onnx/writer/graph-builder.js';
import { linearRegressor } from '../../src/onnx/writer/linear.js';
import { treeEnsembleClassifier, treeEnsembleRegressor, type WrittenTree } from '../../src/onnx/writer/tree-ensemble.js';

/** x0 <= 0.5 ? 1 : (x1 <= 2 ? 10 : 100) */
const TREE: WrittenTree = {
  feature: [0, -1, 1, -1, -1],
  threshold: [0.5, 0, 2, 0, 0],
  left: [1, 0, 3, 0, 0],
  right: [2, 0, 4, 0, 0],
  targets: [0],
  values: [0, 1, 0, 10, 100],
};

async function run(bytes: Uint8Array, rows: number[][]): Promise<Record<string, number[]>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, 2]) });
    return Object.fromEntries(Object.entries(out).map(([name, t]) => [name, Array.from(t.data as ArrayLike<number | bigint>, Number)]));
  } finally {
    await session.release();
  }
}

describe('ai.onnx.ml ops in the GraphBuilder', () => {
  it('imports the ai.onnx.ml opset only when a node uses it', () => {
    const plain = new GraphBuilder('plain');
    plain.output(plain.relu(plain.input('x', 'float32', [-1, 2]), { name: 'y' }), 'float32', [-1, 2]);
    expect(decodeModel(plain.toBytes()).opsetImport.map((o) => [o.domain, int64ToNumber(o.version)])).toEqual([['', 13]]);

    const g = new GraphBuilder('trees');
    g.output(treeEnsembleRegressor(g, g.input('x', 'float32', [-1, 2]), [TREE], 1, { name: 'y' }), 'float32', [-1, 1]);
    const model = decodeModel(g.toBytes());
    expect(model.opsetImport.map((o) => [o.domain, int64ToNumber(o.version)])).toEqual([
      ['', 13],
      ['ai.onnx.ml', 2],
    ]);
    expect(model.graph?.node?.[0]).toMatchObject({ opType: 'TreeEnsembleRegressor', domain: 'ai.onnx.ml' });
  });

  it('writes a TreeEnsembleRegressor that routes x <= threshold left, NaN right', async () => {
    const g = new GraphBuilder('trees');
    g.output(treeEnsembleRegressor(g, g.input('x', 'float32', [-1, 2]), [TREE, TREE], 1, { name: 'y' }), 'float32', [-1, 1]);
    const out = await run(g.toBytes(), [
      [0.5, 0],
      [0.6, 2],
      [0.6, 2.1],
      [Number.NaN, 0],
    ]);
    expect(out.y).toEqual([2, 20, 200, 20]);
  });

  it('writes a TreeEnsembleClassifier with label and probability tensors', async () => {
    const g = new GraphBuilder('cls');
    // Two columns scored -s/2, +s/2 under SOFTMAX: p(class 1) = sigmoid(s).
    const tree: WrittenTree = { ...TREE, targets: [0, 1], values: [0, 0, -0.5, 0.5, 0, 0, -1, 1, 1, -1] };
    const [label, probabilities] = treeEnsembleClassifier(g, g.input('x', 'float32', [-1, 2]), [tree], 2, 'SOFTMAX');
    g.output(probabilities, 'float32', [-1, 2]).output(label, 'int64', [-1]);
    const out = await run(g.toBytes(), [
      [0, 0],
      [1, 1],
      [1, 5],
    ]);
    const sigmoid = (s: number): number => 1 / (1 + Math.exp(-s));
    const expected = [1, 2, -2].flatMap((s) => [1 - sigmoid(s), sigmoid(s)]);
    out.probabilities?.forEach((p, i) => expect(p).toBeCloseTo(expected[i] ?? Number.NaN, 6));
    expect(out.label).toEqual([1, 1, 0]);
  });

  it('writes a LinearRegressor', async () => {
    const g = new GraphBuilder('linear');
    const y = linearRegressor(g, g.input('x', 'float32', [-1, 2]), { coefficients: [[2, -1]], intercepts: [0.5] }, { name: 'y' });
    g.output(y, 'float32', [-1, 1]);
    expect((await run(g.toBytes(), [[1, 1], [3, -2]])).y).toEqual([1.5, 8.5]);
  });

  it('refuses malformed trees and weights before onnxruntime sees them', () => {
    const g = new GraphBuilder('bad');
    const x = g.input('x', 'float32', [-1, 2]);
    expect(() => treeEnsembleRegressor(g, x, [{ ...TREE, left: [1, 0, 2, 0, 0] }], 1)).toThrow(/links to 2/);
    expect(() => treeEnsembleRegressor(g, x, [{ ...TREE, values: [1] }], 1)).toThrow(/values/);
    expect(() => treeEnsembleRegressor(g, x, [{ ...TREE, targets: [1] }], 1)).toThrow(/outside/);
    expect(() => treeEnsembleClassifier(g, x, [TREE], 2, 'SOFTMAX')).toThrow(/no tree scores class 1/);
    expect(() => linearRegressor(g, x, { coefficients: [[1, 2]], intercepts: [0, 1] })).toThrow(/coefficients/);
    expect(() => g.node('Foo', [x], { domain: 'com.example' })).toThrow(/no opset/);
  });
});
