import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/onnx/writer/graph-builder.js';
import { loadOnnxModel } from '../../src/runtime/onnx/onnx-serving-function.js';
import { OrtWorkerPool } from '../../src/runtime/onnx/worker/ort-worker-pool.js';
import { workerEntry } from '../../src/runtime/onnx/worker/worker-entry.js';
import type { WireTensor } from '../../src/runtime/onnx/worker/protocol.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { readReferenceModel } from '../onnx/helpers/reference-models.js';

/** OrtWorkerPool on its own: the wire format, FIFO order, errors, and where the entry file is. */

/** Echoes one input of each dtype whose array class is not float32. */
function echoGraph(): Uint8Array {
  const g = new GraphBuilder('echo');
  const specs = [
    ['half', 'float16'],
    ['small', 'int8'],
    ['bytes', 'uint8'],
    ['big', 'uint64'],
    ['words', 'string'],
  ] as const;
  for (const [name, dtype] of specs) g.output(g.identity(g.input(name, dtype, [-1]), { name: `${name}_out` }), dtype, [-1]);
  return g.toBytes();
}

const ECHO_INPUTS: Record<string, Tensor> = {
  half: { dtype: 'float16', shape: [3], data: Uint16Array.from([0x3c00, 0xc000, 0x7bff]) }, // 1, -2, 65504
  small: { dtype: 'int8', shape: [2], data: Int8Array.from([-128, 127]) },
  bytes: { dtype: 'uint8', shape: [4], data: new Uint8Array(new ArrayBuffer(16), 5, 4).fill(200) },
  big: { dtype: 'uint64', shape: [1], data: BigUint64Array.from([2n ** 64n - 1n]) },
  words: { dtype: 'string', shape: [3], data: ['a', '', 'ünï'] },
};

describe('OrtWorkerPool', () => {
  it('carries every array class there and back; results arrive in buffers of their own', async () => {
    const inline = await loadOnnxModel(echoGraph(), { session: { executor: 'inline' } });
    const worker = await loadOnnxModel(echoGraph(), { session: { executor: 'worker' } });
    try {
      const [a, b] = await Promise.all([inline.run(ECHO_INPUTS), worker.run(ECHO_INPUTS)]);
      expect(b).toEqual(a);
      for (const [name, input] of Object.entries(ECHO_INPUTS)) expect(b[`${name}_out`]).toEqual(input);
      const bytesOut = b.bytes_out?.data as Uint8Array;
      // Transferred from the thread, not a view into some shared or larger buffer.
      expect(bytesOut.buffer).toBeInstanceOf(ArrayBuffer);
      expect(bytesOut.buffer.byteLength).toBe(bytesOut.byteLength);
    } finally {
      await Promise.all([inline.dispose(), worker.dispose()]);
    }
  });

  it('answers in FIFO order with one thread', async () => {
    const pool = await OrtWorkerPool.create({ model: readReferenceModel('iris_rf') });
    try {
      const order: number[] = [];
      const input = (v: number): WireTensor[] => [{ name: 'float_input', dtype: 'float32', shape: [1, 4], data: new Float32Array(4).fill(v) }];
      await Promise.all([1, 2, 3, 4].map((i) => pool.run(input(i), ['output_label']).then(() => order.push(i))));
      expect(order).toEqual([1, 2, 3, 4]);
    } finally {
      await pool.dispose();
    }
  });

  it("rejects with onnxruntime's message for a bad run, and stays usable", async () => {
    const pool = await OrtWorkerPool.create({ model: readReferenceModel('iris_rf') });
    try {
      const bad: WireTensor[] = [{ name: 'float_input', dtype: 'float64', shape: [1, 4], data: new Float64Array(4) }];
      await expect(pool.run(bad, ['output_label'])).rejects.toThrow(/type/i);
      const good: WireTensor[] = [{ name: 'float_input', dtype: 'float32', shape: [1, 4], data: new Float32Array(4) }];
      expect((await pool.run(good, ['output_label']))[0]?.dtype).toBe('int64');
      expect(pool.liveWorkers).toBe(1);
    } finally {
      await pool.dispose();
    }
    await expect(pool.run([], ['output_label'])).rejects.toThrow('disposed');
  });

  it("fails to create with onnxruntime's load error", async () => {
    await expect(OrtWorkerPool.create({ model: new TextEncoder().encode('not a model'), threads: 2 })).rejects.toThrow(/protobuf|parse|load/i);
  });

  it('refuses a thread count that is not a positive integer', async () => {
    await expect(OrtWorkerPool.create({ model: readReferenceModel('iris_rf'), threads: 0 })).rejects.toThrow('workerThreads');
  });
});

describe('worker entry', () => {
  it('is the .js file itself in the build; the tsx bootstrap, told the .ts file, from sources', () => {
    expect(workerEntry('ort-worker', 'file:///app/dist/runtime/onnx/worker/worker-slot.js')).toEqual({
      url: new URL('file:///app/dist/runtime/onnx/worker/ort-worker.js'),
      argv: [],
    });
    expect(workerEntry('prepare-worker', 'file:///app/src/runtime/onnx/worker/worker-slot.ts')).toEqual({
      url: new URL('file:///app/src/runtime/onnx/worker/tsx-bootstrap.mjs'),
      argv: ['file:///app/src/runtime/onnx/worker/prepare-worker.ts'],
    });
  });
});
