import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOnnxModel, type OnnxServingFunction } from '../../src/runtime/onnx/onnx-serving-function.js';
import { DynamicBatcher, type BatchInfo, type BatchRunner } from '../../src/serving/batching/index.js';
import type { NamedTensors } from '../../src/tensor/tensor.js';
import { FIXTURES, expected } from '../helpers/fixtures.js';

/** A real exported model (StandardScaler + SVC) through onnxruntime, batched and unbatched. */
describe('DynamicBatcher with onnxruntime (iris_svc.onnx)', () => {
  let fn: OnnxServingFunction;

  beforeAll(async () => {
    fn = await loadOnnxModel(path.join(FIXTURES, 'iris_svc.onnx'));
  });
  afterAll(async () => {
    await fn.dispose();
  });

  const row = (i: number): NamedTensors => {
    const features = expected.inputs[i % expected.inputs.length] ?? [];
    return { float_input: { dtype: 'float32', shape: [1, 4], data: Float32Array.from(features) } };
  };

  it('200 concurrent single-row requests get the probabilities of individual runs, in far fewer executions', async () => {
    const request = { signature: 'probabilities', outputs: ['output_probability', 'output_label'] };
    const individually: NamedTensors[] = [];
    for (let i = 0; i < 200; i++) individually.push(await fn.run(row(i), request));

    let executions = 0;
    const run: BatchRunner = (inputs, key) => {
      executions++;
      return fn.run(inputs, key);
    };
    const batches: BatchInfo[] = [];
    const batcher = new DynamicBatcher(
      'iris',
      run,
      { maxBatchSize: 64, maxQueueDelayUs: 500, preferredBatchSizes: [], maxQueueRows: 4096, maxConcurrentBatches: 1 },
      { onBatch: (info) => batches.push(info) },
    );
    const batched = await Promise.all(Array.from({ length: 200 }, (_, i) => batcher.submit(row(i), request)));
    await batcher.close();

    expect(executions).toBeLessThanOrEqual(8); // 200 rows in batches of up to 64: 4 when they arrive together
    expect(batches.reduce((n, b) => n + b.rows, 0)).toBe(200);
    batched.forEach((out, i) => {
      const mine = out.output_probability;
      const alone = individually[i]?.output_probability;
      expect(mine?.shape).toEqual([1, 3]);
      // Same kernels on the same rows: equal up to float rounding of a different batch layout.
      Array.from(alone?.data as Float32Array).forEach((p, j) => expect(Math.abs((mine?.data[j] as number) - p)).toBeLessThan(1e-6));
      expect(out.output_label?.data).toEqual(individually[i]?.output_label?.data);
      const wanted = expected.iris_svc[i % expected.inputs.length] ?? [];
      wanted.forEach((p, j) => expect(Math.abs((mine?.data[j] as number) - p)).toBeLessThan(1e-4));
    });
  });
});
