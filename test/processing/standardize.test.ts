import { describe, expect, it } from 'vitest';
import { apply, expectClose, f32, rejection, values } from './helpers.js';

describe('standardize', () => {
  it('computes (x - mean) / std per feature of the last axis', async () => {
    const x = f32([2, 2], [1, 2, 3, 4]);
    const ctx = await apply([{ type: 'standardize', input: 'x', mean: [2, 3], std: [2, 0.5] }], { x });
    // Row 1: (1-2)/2, (2-3)/0.5; row 2: (3-2)/2, (4-3)/0.5.
    expectClose(values(ctx.tensors.x), [-0.5, -2, 0.5, 2]);
    expect(ctx.tensors.x?.dtype).toBe('float32');
    expect(ctx.tensors.x?.shape).toEqual([2, 2]);
    expect(Array.from(x.data as Float32Array)).toEqual([1, 2, 3, 4]); // input not mutated
  });

  it('applies a single mean/std to every feature', async () => {
    const ctx = await apply([{ type: 'standardize', mean: [10], std: [5] }], { x: f32([1, 3], [10, 15, 0]) });
    expectClose(values(ctx.tensors.x), [0, 1, -2]);
  });

  it('treats std 0 as 1 (a constant feature) instead of dividing by zero', async () => {
    const ctx = await apply([{ type: 'standardize', mean: [1, 1], std: [0, 2] }], { x: f32([1, 2], [3, 3]) });
    expectClose(values(ctx.tensors.x), [2, 1]);
  });

  it('defaults to the first numeric tensor and converts int64 to float32', async () => {
    const ctx = await apply([{ type: 'standardize', mean: [10], std: [5] }], {
      id: { dtype: 'string', shape: [2], data: ['a', 'b'] },
      n: { dtype: 'int64', shape: [2, 1], data: BigInt64Array.from([10n, 20n]) },
    });
    expect(ctx.tensors.n?.dtype).toBe('float32');
    expectClose(values(ctx.tensors.n), [0, 2]);
    expect(ctx.tensors.id?.data).toEqual(['a', 'b']);
  });

  it('rejects a feature count that does not match the parameters as INVALID_SHAPE', async () => {
    const err = await rejection(apply([{ type: 'standardize', mean: [0, 0], std: [1, 1] }], { x: f32([1, 3], [1, 2, 3]) }));
    expect(err.code).toBe('INVALID_SHAPE');
    expect(err.params.input).toBe('x');
    expect(err.params.reason).toBe('preprocess[0] (standardize): the last dimension has 3 features but mean has 2 values');
  });

  it('reports a named input the request lacks as MISSING_INPUT', async () => {
    const err = await rejection(apply([{ type: 'standardize', input: 'y', mean: [0], std: [1] }], { x: f32([1], [1]) }));
    expect(err.code).toBe('MISSING_INPUT');
    expect(err.params.input).toBe('y');
  });

  it('rejects a string input as INVALID_DTYPE', async () => {
    const err = await rejection(
      apply([{ type: 'standardize', input: 's', mean: [0], std: [1] }], { s: { dtype: 'string', shape: [1], data: ['1'] } }),
    );
    expect(err.code).toBe('INVALID_DTYPE');
  });

  it('validates its options', async () => {
    const negative = await rejection(apply([{ type: 'standardize', mean: [0], std: [-1] }], {}));
    expect(negative.code).toBe('INVALID_MANIFEST');
    expect(negative.params.reason).toMatch(/^preprocess\[0\] \(standardize\): std\.0: /);
    const lengths = await rejection(apply([{ type: 'standardize', mean: [0, 1], std: [1, 2, 3] }], {}));
    expect(lengths.params.reason).toBe(
      'preprocess[0] (standardize): mean and std must have the same number of values (or one of them a single value)',
    );
  });
});
