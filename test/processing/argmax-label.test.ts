import { describe, expect, it } from 'vitest';
import { apply, f32, rejection } from './helpers.js';

const probs = f32([2, 3], [0.1, 0.7, 0.2, 0.5, 0.3, 0.2]);

describe('argmax-label', () => {
  it('sets the label of the highest score per instance', async () => {
    const ctx = await apply([{ type: 'argmax-label' }], { probs }, { stage: 'post', labels: ['a', 'b', 'c'] });
    expect(ctx.predictedLabels).toEqual(['b', 'a']);
    expect(ctx.tensors.probs).toBe(probs);
  });

  it('uses the index as the label when the package has no labels', async () => {
    const ctx = await apply([{ type: 'argmax-label' }], { probs }, { stage: 'post' });
    expect(ctx.predictedLabels).toEqual(['1', '0']);
  });

  it('takes the first of equal scores', async () => {
    const ctx = await apply([{ type: 'argmax-label' }], { p: f32([1, 3], [0.2, 0.4, 0.4]) }, { stage: 'post' });
    expect(ctx.predictedLabels).toEqual(['1']);
  });

  it('defaults to the first float output, skipping an integer label output', async () => {
    const ctx = await apply(
      [{ type: 'argmax-label' }],
      { label: { dtype: 'int64', shape: [2], data: BigInt64Array.from([0n, 0n]) }, probs },
      { stage: 'post', labels: ['a', 'b', 'c'] },
    );
    expect(ctx.predictedLabels).toEqual(['b', 'a']);
  });

  it('reads an integer class index per instance when pointed at one', async () => {
    const ctx = await apply(
      [{ type: 'argmax-label', output: 'label' }],
      { label: { dtype: 'int64', shape: [2], data: BigInt64Array.from([2n, 0n]) }, probs },
      { stage: 'post', labels: ['a', 'b', 'c'] },
    );
    expect(ctx.predictedLabels).toEqual(['c', 'a']);
  });

  it('fails when a class has no label', async () => {
    const err = await rejection(apply([{ type: 'argmax-label' }], { probs }, { stage: 'post', labels: ['a'] }));
    expect(err.code).toBe('INTERNAL');
    expect(err.params.reason).toBe('postprocess[0] (argmax-label): class index 1 has no label (the package has 1 labels)');
  });

  it('gives an empty list for an empty batch', async () => {
    const ctx = await apply([{ type: 'argmax-label' }], { p: f32([0, 3], []) }, { stage: 'post' });
    expect(ctx.predictedLabels).toEqual([]);
  });
});
