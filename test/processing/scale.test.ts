import { describe, expect, it } from 'vitest';
import { apply, expectClose, f32, rejection, values } from './helpers.js';

describe('scale', () => {
  it('maps [min, max] to [0, 1] per feature, without clipping', async () => {
    const ctx = await apply([{ type: 'scale', min: [0, 10], max: [10, 20] }], { x: f32([2, 2], [5, 15, 10, 30]) });
    // (5-0)/10, (15-10)/10, (10-0)/10, (30-10)/10: 2 is out of range and kept.
    expectClose(values(ctx.tensors.x), [0.5, 0.5, 1, 2]);
    expect(ctx.tensors.x?.dtype).toBe('float32');
  });

  it('maps to a custom range', async () => {
    const ctx = await apply([{ type: 'scale', min: [0], max: [10], range: [-1, 1] }], { x: f32([3], [0, 5, 10]) });
    expectClose(values(ctx.tensors.x), [-1, 0, 1]);
  });

  it('uses a span of 1 for a constant feature (max == min)', async () => {
    const ctx = await apply([{ type: 'scale', min: [3], max: [3] }], { x: f32([2], [3, 5]) });
    expectClose(values(ctx.tensors.x), [0, 2]);
  });

  it('rejects a feature count mismatch as INVALID_SHAPE', async () => {
    const err = await rejection(apply([{ type: 'scale', min: [0, 0, 0], max: [1, 1, 1] }], { x: f32([1, 2], [1, 2]) }));
    expect(err.code).toBe('INVALID_SHAPE');
    expect(err.params.reason).toContain('has 2 features but min has 3 values');
  });

  it('validates its options', async () => {
    const inverted = await rejection(apply([{ type: 'scale', min: [0, 5], max: [1, 4] }], {}));
    expect(inverted.params.reason).toBe('preprocess[0] (scale): every max must be >= its min');
    const range = await rejection(apply([{ type: 'scale', min: [0], max: [1], range: [1, 0] }], {}));
    expect(range.params.reason).toBe('preprocess[0] (scale): range: must be [lo, hi] with lo < hi');
    const missing = await rejection(apply([{ type: 'scale', min: [0] }], {}));
    expect(missing.params.reason).toMatch(/^preprocess\[0\] \(scale\): max: /);
  });
});
