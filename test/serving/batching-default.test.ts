import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BATCHING } from '../../src/config/schema.js';
import { GraphBuilder } from '../../src/onnx/writer/index.js';
import { readPackage } from '../../src/package/read-package.js';
import { loadModel } from '../../src/serving/load-model.js';
import type { Tensor } from '../../src/tensor/tensor.js';

/** y = 2x over an input of the given first dimension. */
function doubler(firstDim: number): Uint8Array {
  const g = new GraphBuilder('doubler');
  const x = g.input('x', 'float32', [firstDim, 4]);
  const two = g.constant([[2, 2, 2, 2]]);
  g.output(g.mul(x, two, { name: 'y' }), 'float32', [firstDim, 4]);
  return g.toBytes();
}

const row = (v: number): Tensor => ({ dtype: 'float32', shape: [1, 4], data: Float32Array.from([v, v, v, v]) });

describe('default batching', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mlp-batching-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  async function concurrentExecutions(firstDim: number): Promise<{ executions: number; answers: number[] }> {
    const file = path.join(dir, `doubler-${firstDim}.onnx`);
    await writeFile(file, doubler(firstDim));
    let executions = 0;
    const model = await loadModel(await readPackage(file), { batching: DEFAULT_BATCHING, observer: { onBatch: () => executions++ } });
    try {
      const results = await Promise.all([1, 2, 3].map((v) => model.infer({ x: row(v) })));
      return { executions, answers: results.map((r) => (r.outputs.y?.data as Float32Array)[0] ?? NaN) };
    } finally {
      await model.dispose();
    }
  }

  it('merges requests that arrive together when the batch dimension is dynamic', async () => {
    const { executions, answers } = await concurrentExecutions(-1);
    expect(answers).toEqual([2, 4, 6]);
    expect(executions).toBe(1);
  });

  it('never merges for a model with a fixed first dimension', async () => {
    const { executions, answers } = await concurrentExecutions(1);
    expect(answers).toEqual([2, 4, 6]);
    expect(executions).toBe(3);
  });
});
