import { describe, expect, it } from 'vitest';
import { apply, f32, rejection } from './helpers.js';

const probs = f32([2, 3], [0.1, 0.7, 0.2, 0.5, 0.25, 0.25]);
const labels = ['a', 'b', 'c'];

describe('top-k', () => {
  it('lists the k best {label, score} per instance, highest first', async () => {
    const ctx = await apply([{ type: 'top-k', k: 2 }], { probs }, { stage: 'post', labels });
    const top = ctx.extras.top_k as { label: string; score: number }[][];
    expect(top).toHaveLength(2);
    expect(top[0]?.map((e) => e.label)).toEqual(['b', 'c']);
    expect(top[0]?.[0]?.score).toBeCloseTo(0.7, 6);
    expect(top[0]?.[1]?.score).toBeCloseTo(0.2, 6);
    // Equal scores keep class order: b before c.
    expect(top[1]).toEqual([
      { label: 'a', score: 0.5 },
      { label: 'b', score: 0.25 },
    ]);
  });

  it('defaults to k = 3 and caps k at the number of classes', async () => {
    const ctx = await apply([{ type: 'top-k' }], { p: f32([1, 2], [0.25, 0.75]) }, { stage: 'post' });
    expect(ctx.extras.top_k).toEqual([
      [
        { label: '1', score: 0.75 },
        { label: '0', score: 0.25 },
      ],
    ]);
  });

  it('keeps other extras', async () => {
    const ctx = await apply(
      [
        { type: 'threshold', threshold: 0.5 },
        { type: 'top-k', k: 1 },
      ],
      { probs },
      { stage: 'post', labels },
    );
    expect(Object.keys(ctx.extras).sort()).toEqual(['flag', 'top_k']);
  });

  it('validates k', async () => {
    const err = await rejection(apply([{ type: 'top-k', k: 1.5 }], {}, { stage: 'post' }));
    expect(err.code).toBe('INVALID_MANIFEST');
    expect(err.params.reason).toMatch(/^postprocess\[0\] \(top-k\): k: /);
  });
});
