import { describe, expect, it } from 'vitest';
import { apply, f32, rejection } from './helpers.js';

const post = { stage: 'post' } as const;
const probs = f32([3, 2], [0.2, 0.8, 0.6, 0.4, 0.5, 0.5]);

describe('threshold', () => {
  it('flags instances whose last column reaches the threshold (>=)', async () => {
    const ctx = await apply([{ type: 'threshold', threshold: 0.5 }], { probs }, post);
    expect(ctx.extras.flag).toEqual([1, 0, 1]);
  });

  it('compares the chosen column', async () => {
    const ctx = await apply([{ type: 'threshold', column: 0, threshold: 0.55 }], { probs }, post);
    expect(ctx.extras.flag).toEqual([0, 1, 0]);
  });

  it('works on one score per instance', async () => {
    const ctx = await apply([{ type: 'threshold', threshold: 0.5 }], { score: f32([3], [0.5, 0.49, 0.9]) }, post);
    expect(ctx.extras.flag).toEqual([1, 0, 1]);
  });

  it('lets several thresholds coexist under distinct names (one-vs-rest)', async () => {
    const ctx = await apply(
      [
        { type: 'threshold', column: 0, threshold: 0.5, name: 'is_a' },
        { type: 'threshold', column: 1, threshold: 0.5, name: 'is_b' },
      ],
      { probs },
      post,
    );
    expect(ctx.extras).toEqual({ is_a: [0, 1, 1], is_b: [1, 0, 1] });
  });

  it('reports a column out of range', async () => {
    const err = await rejection(apply([{ type: 'threshold', column: 2, threshold: 0.5 }], { probs }, post));
    expect(err.code).toBe('INTERNAL');
    expect(err.params.reason).toBe(
      'postprocess[0] (threshold): output "probs": column 2 is out of range: each instance has 2 scores',
    );
  });

  it('requires a threshold', async () => {
    const err = await rejection(apply([{ type: 'threshold' }], {}, post));
    expect(err.params.reason).toMatch(/^postprocess\[0\] \(threshold\): threshold: /);
  });
});
