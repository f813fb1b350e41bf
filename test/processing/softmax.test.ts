import { describe, expect, it } from 'vitest';
import { apply, expectClose, f32, rejection, values } from './helpers.js';

const post = { stage: 'post' } as const;

describe('softmax', () => {
  it('normalizes the last axis: exp(x) / sum(exp(x))', async () => {
    const ctx = await apply([{ type: 'softmax' }], { logits: f32([2, 3], [1, 2, 3, 0, 0, 0]) }, post);
    // e^1, e^2, e^3 = 2.71828, 7.38906, 20.08554; sum 30.19288.
    expectClose(values(ctx.tensors.logits), [0.09003, 0.244728, 0.665241, 1 / 3, 1 / 3, 1 / 3]);
  });

  it('does not overflow on large logits', async () => {
    const ctx = await apply([{ type: 'softmax' }], { logits: f32([1, 2], [1000, 1000]) }, post);
    expectClose(values(ctx.tensors.logits), [0.5, 0.5]);
  });

  it('normalizes along another axis', async () => {
    const ctx = await apply([{ type: 'softmax', axis: 0 }], { logits: f32([2, 2], [1, 2, 3, 4]) }, post);
    // Columns: softmax(1, 3) and softmax(2, 4), both [1/(1+e^2), e^2/(1+e^2)] = [0.119203, 0.880797].
    expectClose(values(ctx.tensors.logits), [0.119203, 0.119203, 0.880797, 0.880797]);
  });

  it('handles a middle axis of a rank-3 tensor', async () => {
    const ctx = await apply([{ type: 'softmax', axis: 1 }], { t: f32([1, 2, 2], [0, 5, 0, 5]) }, post);
    // Pairs along axis 1: (t[0,0,0], t[0,1,0]) = (0, 0) and (t[0,0,1], t[0,1,1]) = (5, 5).
    expectClose(values(ctx.tensors.t), [0.5, 0.5, 0.5, 0.5]);
  });

  it('defaults to the first float output and keeps float64', async () => {
    const ctx = await apply(
      [{ type: 'softmax' }],
      {
        label: { dtype: 'int64', shape: [1], data: BigInt64Array.from([1n]) },
        scores: { dtype: 'float64', shape: [1, 2], data: Float64Array.from([0, Math.log(3)]) },
      },
      post,
    );
    expect(ctx.tensors.scores?.dtype).toBe('float64');
    expectClose(values(ctx.tensors.scores), [0.25, 0.75], 12);
    expect(ctx.tensors.label?.dtype).toBe('int64');
  });

  it('reports an axis out of range as INTERNAL in post-processing', async () => {
    const err = await rejection(apply([{ type: 'softmax', axis: 2 }], { p: f32([1, 2], [0, 0]) }, post));
    expect(err.code).toBe('INTERNAL');
    expect(err.params.reason).toBe('postprocess[0] (softmax): output "p": axis 2 is out of range for a tensor of rank 2');
  });

  it('reports a missing named output as UNKNOWN_OUTPUT', async () => {
    const err = await rejection(apply([{ type: 'softmax', output: 'probs' }], { p: f32([1], [0]) }, post));
    expect(err.code).toBe('UNKNOWN_OUTPUT');
    expect(err.params).toEqual({ output: 'probs', expected: 'p' });
  });
});
