/**
 * Per-request cost of the batcher itself, with a runner that does no work.
 * Run: npx tsx test/batching/bench/dispatch-overhead.ts
 */
import type { BatchingOptions } from '../../../src/config/schema.js';
import { DynamicBatcher, type BatchRunner } from '../../../src/serving/batching/index.js';
import type { NamedTensors } from '../../../src/tensor/tensor.js';

const noWork: BatchRunner = async (inputs) => {
  const rows = inputs.x?.shape[0] ?? 0;
  return { y: { dtype: 'float32', shape: [rows, 3], data: new Float32Array(rows * 3) } };
};

const options = (over: Partial<BatchingOptions>): BatchingOptions => ({
  maxBatchSize: 64,
  maxQueueDelayUs: 0,
  preferredBatchSizes: [],
  maxQueueRows: 1_000_000,
  maxConcurrentBatches: 1,
  ...over,
});
const request = { signature: 'probabilities', outputs: ['y'] };
const row = (): NamedTensors => ({ x: { dtype: 'float32', shape: [1, 4], data: new Float32Array(4) } });

async function burst(label: string, total: number, burstSize: number, over: Partial<BatchingOptions>): Promise<void> {
  const batcher = new DynamicBatcher('bench', noWork, options(over));
  const start = performance.now();
  for (let done = 0; done < total; done += burstSize) {
    const pending: Promise<NamedTensors>[] = [];
    for (let i = 0; i < burstSize; i++) pending.push(batcher.submit(row(), request));
    await Promise.all(pending);
  }
  await batcher.close();
  const us = ((performance.now() - start) * 1000) / total;
  console.log(`${label.padEnd(58)} ${us.toFixed(2)} µs/request`);
}

async function direct(total: number, burstSize: number): Promise<void> {
  const start = performance.now();
  for (let done = 0; done < total; done += burstSize) {
    const pending: Promise<NamedTensors>[] = [];
    for (let i = 0; i < burstSize; i++) pending.push(noWork(row(), request));
    await Promise.all(pending);
  }
  const us = ((performance.now() - start) * 1000) / total;
  console.log(`${`direct runner calls, bursts of ${burstSize}`.padEnd(58)} ${us.toFixed(2)} µs/request`);
}

for (let round = 0; round < 2; round++) {
  console.log(`-- round ${round + 1}${round === 0 ? ' (warm-up)' : ''}`);
  await direct(200_000, 64);
  await burst('batched, bursts of 64 (one full batch each, max 64)', 200_000, 64, {});
  await burst('batched, bursts of 256 (4 batches each, max 64)', 200_000, 256, {});
  await burst('batched, bursts of 64, preferred [16, 32]', 200_000, 64, { preferredBatchSizes: [16, 32] });
  await direct(50_000, 1);
  await burst('alone: one request at a time, delay 0 (setImmediate hop)', 50_000, 1, {});
}
