import { describe, expect, it } from 'vitest';
import { MlError } from '../../src/errors/ml-error.js';
import { describeRequest } from '../../src/serving/batching/batch-key.js';
import { BatchSizing } from '../../src/serving/batching/batch-sizing.js';
import { mergeInputs } from '../../src/serving/batching/merge-inputs.js';
import { RingQueue } from '../../src/serving/batching/ring-queue.js';
import { splitOutputs } from '../../src/serving/batching/split-outputs.js';
import type { NamedTensors } from '../../src/tensor/tensor.js';
import { f32, plain } from './helpers.js';

describe('describeRequest (batch key)', () => {
  const key = (inputs: NamedTensors, signature = 's', outputs: readonly string[] = []) =>
    describeRequest(inputs, signature, outputs).key;

  it('counts rows along dim 0 and ignores it in the key', () => {
    const a = describeRequest({ x: f32(3, 4) }, 's', ['y']);
    const b = describeRequest({ x: f32(7, 4) }, 's', ['y']);
    expect(a.rows).toBe(3);
    expect(b.rows).toBe(7);
    expect(a.key).toBeDefined();
    expect(a.key).toBe(b.key);
  });

  it('differs on non-batch dims, dtype, signature, outputs and input names', () => {
    const base = key({ x: f32(2, 4) });
    expect(key({ x: f32(2, 5) })).not.toBe(base);
    expect(key({ x: { dtype: 'float64', shape: [2, 4], data: new Float64Array(8) } })).not.toBe(base);
    expect(key({ x: f32(2, 4) }, 'other')).not.toBe(base);
    expect(key({ x: f32(2, 4) }, 's', ['y'])).not.toBe(base);
    expect(key({ z: f32(2, 4) })).not.toBe(base);
    // [2, 4, 1] is not [2, 41] nor [2, 4]
    expect(key({ x: { dtype: 'float32', shape: [2, 4, 1], data: new Float32Array(8) } })).not.toBe(base);
  });

  it('does not depend on the order the inputs were added in', () => {
    expect(key({ a: f32(1, 2), b: f32(1, 3) })).toBe(key({ b: f32(1, 3), a: f32(1, 2) }));
  });

  it('marks requests that cannot be concatenated as unmergeable', () => {
    expect(key({})).toBeUndefined();
    expect(key({ x: { dtype: 'float32', shape: [], data: new Float32Array(1) } })).toBeUndefined();
    expect(key({ x: f32(2, 4), y: f32(3, 4) })).toBeUndefined(); // inputs disagree on dim 0
    expect(key({ x: { dtype: 'float32', shape: [2, 4], data: new Float32Array(9) } })).toBeUndefined();
  });
});

describe('mergeInputs / splitOutputs', () => {
  it('concatenates along dim 0 (typed, int64, string, 3-D) and splits back by row offsets', () => {
    const parts = [
      {
        rows: 1,
        inputs: {
          a: { dtype: 'int64', shape: [1, 2], data: BigInt64Array.from([1n, 2n]) },
          s: { dtype: 'string', shape: [1], data: ['x'] },
          c: { dtype: 'float32', shape: [1, 2, 2], data: Float32Array.from([1, 2, 3, 4]) },
        } satisfies NamedTensors,
      },
      {
        rows: 2,
        inputs: {
          a: { dtype: 'int64', shape: [2, 2], data: BigInt64Array.from([3n, 4n, 5n, 6n]) },
          s: { dtype: 'string', shape: [2], data: ['y', 'z'] },
          c: { dtype: 'float32', shape: [2, 2, 2], data: Float32Array.from([5, 6, 7, 8, 9, 10, 11, 12]) },
        } satisfies NamedTensors,
      },
    ];
    const merged = mergeInputs(parts, 3);
    expect(plain(merged)).toEqual({
      a: { dtype: 'int64', shape: [3, 2], data: [1n, 2n, 3n, 4n, 5n, 6n] },
      s: { dtype: 'string', shape: [3], data: ['x', 'y', 'z'] },
      c: { dtype: 'float32', shape: [3, 2, 2], data: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] },
    });
    expect(merged.a?.data).toBeInstanceOf(BigInt64Array);

    const split = splitOutputs('m', merged, parts, 3);
    expect(split.map(plain)).toEqual(parts.map((p) => plain(p.inputs)));
  });

  it('refuses to split an output whose first dim is not the batch rows, naming it', () => {
    const parts = [{ rows: 1 }, { rows: 2 }];
    const good = { dtype: 'float32', shape: [3], data: new Float32Array(3) } as const;
    const bad = { dtype: 'float32', shape: [1, 3], data: new Float32Array(3) } as const;
    const scalar = { dtype: 'float32', shape: [], data: new Float32Array(1) } as const;
    for (const tensor of [bad, scalar]) {
      let error: unknown;
      try {
        splitOutputs('m', { good, pooled: tensor }, parts, 3);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(MlError);
      expect((error as MlError).code).toBe('INFERENCE_FAILED');
      expect((error as MlError).message).toContain('"pooled"');
    }
  });
});

describe('BatchSizing', () => {
  it('is full at maxBatchSize without preferred sizes, and caps at it', () => {
    const sizing = new BatchSizing({ maxBatchSize: 8, preferredBatchSizes: [] });
    expect(sizing.fullRows).toBe(8);
    expect(sizing.capFor(3)).toBe(8);
    expect(sizing.capFor(100)).toBe(8);
  });

  it('cuts to the largest preferred size the queue can fill; ignores sizes above maxBatchSize', () => {
    const sizing = new BatchSizing({ maxBatchSize: 8, preferredBatchSizes: [2, 16, 4] });
    expect(sizing.fullRows).toBe(4);
    expect(sizing.capFor(100)).toBe(4);
    expect(sizing.capFor(3)).toBe(2);
    expect(sizing.capFor(1)).toBe(8); // below every preferred size: take what is there
  });
});

describe('RingQueue', () => {
  it('is FIFO across growth and wrap-around, and retains in order', () => {
    const q = new RingQueue<number>(2);
    const expected: number[] = [];
    let next = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < (round % 7) + 1; i++) {
        q.push(next);
        expected.push(next++);
      }
      for (let i = 0; i < (round % 5); i++) expect(q.shift()).toBe(expected.shift());
      expect(q.size).toBe(expected.length);
      expect(q.peek()).toBe(expected[0]);
    }
    q.retain((n) => n % 3 === 0);
    const kept = expected.filter((n) => n % 3 === 0);
    expect(q.size).toBe(kept.length);
    for (const n of kept) expect(q.shift()).toBe(n);
    expect(q.shift()).toBeUndefined();
  });
});
