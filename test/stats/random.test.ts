import { describe, expect, it } from 'vitest';
import { mulberry32, sampleBeta, sampleGamma } from '../../src/stats/random.js';

const moments = (draws: number[]): { mean: number; variance: number } => {
  const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
  return { mean, variance: draws.reduce((s, x) => s + (x - mean) ** 2, 0) / (draws.length - 1) };
};

describe('mulberry32', () => {
  it('replays the same sequence for the same seed and differs across seeds', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const first = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(first);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

// With N = 50 000 draws the standard error of the mean is σ/√N; the tolerances below are about
// 5 standard errors, so a correct sampler cannot fail on this fixed seed and a wrong shape would.
describe('Gamma and Beta sampling (Marsaglia–Tsang), seed 7', () => {
  const N = 50_000;

  it.each([
    [0.5, 0.5, 0.5],
    [3, 3, 3],
    [20, 20, 20],
  ])('Gamma(%f): mean %f, variance %f', (shape, mean, variance) => {
    const random = mulberry32(7);
    const m = moments(Array.from({ length: N }, () => sampleGamma(shape, random)));
    expect(Math.abs(m.mean - mean)).toBeLessThan(5 * Math.sqrt(variance / N));
    expect(Math.abs(m.variance / variance - 1)).toBeLessThan(0.05);
  });

  it.each([
    [1, 1],
    [2, 8],
    [30, 10],
    [0.5, 0.5],
  ])('Beta(%f, %f) has mean α/(α+β) and variance αβ/((α+β)²(α+β+1))', (alpha, beta) => {
    const random = mulberry32(7);
    const draws = Array.from({ length: N }, () => sampleBeta(alpha, beta, random));
    const mean = alpha / (alpha + beta);
    const variance = (alpha * beta) / ((alpha + beta) ** 2 * (alpha + beta + 1));
    const m = moments(draws);
    expect(draws.every((x) => x >= 0 && x <= 1)).toBe(true);
    expect(Math.abs(m.mean - mean)).toBeLessThan(5 * Math.sqrt(variance / N));
    expect(Math.abs(m.variance / variance - 1)).toBeLessThan(0.05);
  });

  it('Thompson sampling picks the better arm far more often (Beta(61,41) vs Beta(41,61))', () => {
    const random = mulberry32(1);
    let better = 0;
    for (let i = 0; i < 2000; i++) if (sampleBeta(61, 41, random) > sampleBeta(41, 61, random)) better++;
    expect(better / 2000).toBeGreaterThan(0.99);
  });

  it('rejects non-positive parameters', () => {
    expect(() => sampleBeta(0, 1, Math.random)).toThrow(RangeError);
  });
});
