import { describe, expect, it } from 'vitest';
import type { BatchingOptions } from '../../src/config/schema.js';
import { DynamicBatcher, type BatchInfo, type BatchKey } from '../../src/serving/batching/index.js';
import type { NamedTensors } from '../../src/tensor/tensor.js';
import { plain, prng, rowwiseModel, turns } from './helpers.js';

type Rng = () => number;

/** Request kinds: several dtypes (int64 and string included), 2-D and 3-D, one and two inputs. */
const KINDS: ((rows: number, rng: Rng) => NamedTensors)[] = [
  (rows, rng) => ({ x: { dtype: 'float32', shape: [rows, 4], data: Float32Array.from({ length: rows * 4 }, () => rng() * 10 - 5) } }),
  (rows, rng) => ({
    ids: { dtype: 'int64', shape: [rows, 3], data: BigInt64Array.from({ length: rows * 3 }, () => BigInt(Math.floor(rng() * 2 ** 40) - 2 ** 39)) },
  }),
  (rows, rng) => ({ text: { dtype: 'string', shape: [rows, 2], data: Array.from({ length: rows * 2 }, () => rng().toString(36).slice(2, 2 + Math.floor(rng() * 6))) } }),
  (rows, rng) => ({
    image: { dtype: 'float64', shape: [rows, 2, 3], data: Float64Array.from({ length: rows * 6 }, () => rng()) },
    mask: { dtype: 'int32', shape: [rows], data: Int32Array.from({ length: rows }, () => Math.floor(rng() * 1000)) },
  }),
  (rows, rng) => ({ flags: { dtype: 'bool', shape: [rows, 5], data: Uint8Array.from({ length: rows * 5 }, () => (rng() < 0.5 ? 1 : 0)) } }),
  // Same input name and dtype as the first kind, other width: a separate key.
  (rows, rng) => ({ x: { dtype: 'float32', shape: [rows, 7], data: Float32Array.from({ length: rows * 7 }, () => rng()) } }),
];

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

describe('DynamicBatcher gives every request exactly its unbatched result', () => {
  it.each(SEEDS)('seed %i', async (seed) => {
    const rng = prng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)] as T;
    const options: BatchingOptions = {
      maxBatchSize: pick([2, 3, 8, 32]),
      maxQueueDelayUs: pick([0, 0, 200, 1500]),
      preferredBatchSizes: pick([[], [], [2, 4], [3, 16]]),
      maxQueueRows: 100_000,
      maxConcurrentBatches: pick([1, 2, 3]),
    };
    const batches: BatchInfo[] = [];
    const keysSeen: BatchKey[] = [];
    // Answers after a turn of the event loop, so queues build up behind running batches.
    const run = async (inputs: NamedTensors, key: BatchKey): Promise<NamedTensors> => {
      keysSeen.push(key);
      await turns(1);
      return rowwiseModel(inputs);
    };
    const batcher = new DynamicBatcher('m', run, options, { onBatch: (info) => batches.push(info) });

    const submitted: { inputs: NamedTensors; result: Promise<NamedTensors>; outputs: readonly string[] }[] = [];
    for (let burst = 0; burst < 12; burst++) {
      const size = 1 + Math.floor(rng() * 20);
      for (let i = 0; i < size; i++) {
        const rows = rng() < 0.1 ? options.maxBatchSize + 1 + Math.floor(rng() * 3) : 1 + Math.floor(rng() * 4);
        const inputs = pick(KINDS)(rows, rng);
        const outputs = rng() < 0.2 ? ['other'] : [];
        submitted.push({ inputs, outputs, result: batcher.submit(inputs, { signature: rng() < 0.1 ? 'b' : 'a', outputs }) });
      }
      if (rng() < 0.7) await turns(1 + Math.floor(rng() * 3));
    }
    await batcher.close();

    for (const { inputs, result } of submitted) expect(plain(await result)).toEqual(plain(rowwiseModel(inputs)));
    const rows = submitted.reduce((n, s) => n + (Object.values(s.inputs)[0]?.shape[0] ?? 0), 0);
    expect(batches.reduce((n, b) => n + b.rows, 0)).toBe(rows);
    expect(batches.reduce((n, b) => n + b.requests, 0)).toBe(submitted.length);
    for (const b of batches) if (b.requests > 1) expect(b.rows).toBeLessThanOrEqual(options.maxBatchSize);
    expect(keysSeen).toHaveLength(batches.length);
    if (options.maxBatchSize > 2) expect(batches.length).toBeLessThan(submitted.length);
  });
});
