import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/onnx/writer/graph-builder.js';
import { loadOnnxModel } from '../../src/runtime/onnx/onnx-serving-function.js';
import type { Tensor } from '../../src/tensor/tensor.js';

/** A graph that echoes inputs of several dtypes and casts one of them, to check conversion both ways. */
function echoGraph(): Uint8Array {
  const g = new GraphBuilder('echo');
  const x = g.input('x', 'float32', [-1, 2]);
  const ids = g.input('ids', 'int64', [-1]);
  const words = g.input('words', 'string', [-1]);
  const flags = g.input('flags', 'bool', [-1]);
  g.output(g.cast(x, 'bool', { name: 'as_bool' }), 'bool', [-1, 2]);
  g.output(g.cast(x, 'float64', { name: 'as_double' }), 'float64', [-1, 2]);
  g.output(g.cast(x, 'int32', { name: 'as_int32' }), 'int32', [-1, 2]);
  g.output(g.identity(ids, { name: 'ids_out' }), 'int64', [-1]);
  g.output(g.identity(words, { name: 'words_out' }), 'string', [-1]);
  g.output(g.identity(flags, { name: 'flags_out' }), 'bool', [-1]);
  return g.toBytes();
}

describe('tensor conversion', () => {
  it('carries every common dtype in and out with the contract array classes', async () => {
    const model = await loadOnnxModel(echoGraph());
    try {
      // A view into a larger buffer, as protocol decoders produce: must be read at its offset.
      const backing = new Float32Array([99, 99, 0, 1.5, -2, 0, 99]);
      const inputs: Record<string, Tensor> = {
        x: { dtype: 'float32', shape: [2, 2], data: backing.subarray(2, 6) },
        ids: { dtype: 'int64', shape: [2], data: BigInt64Array.from([7n, -9007199254740993n]) },
        words: { dtype: 'string', shape: [2], data: ['setosa', 'ünïcode'] },
        flags: { dtype: 'bool', shape: [2], data: Uint8Array.from([1, 0]) },
      };
      const out = await model.run(inputs);
      expect(model.defaultSignature).toBe('default');
      expect(out.as_bool).toEqual({ dtype: 'bool', shape: [2, 2], data: Uint8Array.from([0, 1, 1, 0]) });
      expect(out.as_double).toEqual({ dtype: 'float64', shape: [2, 2], data: Float64Array.from([0, 1.5, -2, 0]) });
      expect(out.as_int32).toEqual({ dtype: 'int32', shape: [2, 2], data: Int32Array.from([0, 1, -2, 0]) });
      expect(out.ids_out).toEqual({ dtype: 'int64', shape: [2], data: BigInt64Array.from([7n, -9007199254740993n]) });
      expect(out.words_out).toEqual({ dtype: 'string', shape: [2], data: ['setosa', 'ünïcode'] });
      expect(out.flags_out).toEqual({ dtype: 'bool', shape: [2], data: Uint8Array.from([1, 0]) });
    } finally {
      await model.dispose();
    }
  });
});
