import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  binShares,
  chiSquareTest,
  chooseDriftTest,
  defaultDriftTest,
  jensenShannonDistance,
  jensenShannonDrift,
  ksTwoSample,
  normalizedWasserstein,
  populationStabilityIndex,
  proportionDrift,
  psiDrift,
  sturgesEdges,
  wassersteinDistance,
} from '../../src/stats/drift/index.js';
import { fillZeroShares } from '../../src/stats/drift/binning.js';

/**
 * Expected values: scipy 1.17.1 on this machine (ks_2samp, chisquare, wasserstein_distance,
 * spatial.distance.jensenshannon, numpy.histogram_bin_edges(bins="sturges")), computed the way
 * Evidently's stattests call them (evidently/calculations/stattests/*.py). The samples in
 * fixtures/drift-samples.json are numpy default_rng(1) normal draws, rounded.
 */
const samples = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'drift-samples.json'), 'utf8')) as Record<'x300' | 'y300' | 'x800' | 'y1500', number[]>;

// A textbook-sized pair with unequal lengths (25 vs 28) for the exact two-sample KS path.
const A = [0.61, 0.29, 0.06, 0.59, -1.73, -0.74, 0.51, -0.56, 0.39, 1.64, 0.05, -0.06, 0.64, -0.82, 0.37, 1.77, 1.09, -1.28, 2.36, 1.31, 1.05, -0.32, -0.4, 1.06, -2.47];
const B = [2.2, 1.66, 1.38, 0.2, 0.36, 0.0, 0.96, 1.56, 0.44, 1.5, -0.3, 0.66, 2.31, 3.29, -0.27, -0.37, 0.38, 0.7, 0.19, -0.41, -0.19, 0.76, 1.47, 0.47, 0.72, 1.17, 0.18, 1.69];

const repeat = <T>(value: T, times: number): T[] => new Array<T>(times).fill(value);

describe('two-sample Kolmogorov–Smirnov (scipy.stats.ks_2samp, method="auto")', () => {
  it('unequal sizes, exact: D = 0.25571, p = 0.28956', () => {
    const r = ksTwoSample(A, B);
    expect(r.method).toBe('exact');
    expect(r.statistic).toBeCloseTo(0.2557142857142857, 12);
    expect(r.pValue).toBeCloseTo(0.28956130216484094, 10);
  });

  it('equal sizes with ties (300 vs 300), exact: D = 0.17, p = 3.3397e-4', () => {
    const r = ksTwoSample(samples.x300, samples.y300);
    expect(r.statistic).toBeCloseTo(0.17, 12);
    expect(r.pValue / 0.00033397069759294196).toBeCloseTo(1, 8);
  });

  it('800 vs 1500, exact: D = 0.066417, p = 0.019025', () => {
    const r = ksTwoSample(samples.x800, samples.y1500);
    expect(r.statistic).toBeCloseTo(0.06641666666666667, 12);
    expect(r.pValue).toBeCloseTo(0.019024948514911467, 9);
  });

  it('above 10 000 values switches to the asymptotic Kolmogorov law (kstwobign.sf(√en·D) = 0.025239)', () => {
    const reference = Array.from({ length: 1000 }, (_, i) => i / 1000);
    const current = Array.from({ length: 12_000 }, (_, j) => (((j * 7919) % 10007) / 10007) * 1.05);
    const r = ksTwoSample(reference, current);
    expect(r.method).toBe('asymptotic');
    expect(r.statistic).toBeCloseTo(0.048666666666666636, 12);
    expect(r.pValue).toBeCloseTo(0.025238929636726942, 10);
    // scipy's own finite-n kstwo gives 0.024411 here: the documented gap stays under 0.001.
    expect(Math.abs(r.pValue - 0.024411103170041137)).toBeLessThan(1e-3);
  });

  it('identical samples give D = 0 and p = 1', () => {
    expect(ksTwoSample([1, 2, 3], [3, 2, 1])).toEqual({ statistic: 0, pValue: 1, method: 'exact' });
  });
});

describe('chi-square (Evidently chisquare: expected = reference counts scaled to the current size)', () => {
  it('50/30/20 vs 30/40/30: χ² = 16.333, p = 2.8396e-4 (scipy.stats.chisquare)', () => {
    const reference = [...repeat('a', 50), ...repeat('b', 30), ...repeat('c', 20)];
    const current = [...repeat('a', 30), ...repeat('b', 40), ...repeat('c', 30)];
    const r = chiSquareTest(reference, current);
    expect(r.statistic).toBeCloseTo(16.333333333333336, 10);
    expect(r.pValue / 0.0002839629839032563).toBeCloseTo(1, 8);
    expect(r.degreesOfFreedom).toBe(2);
  });

  it('a category unseen in the reference is certain drift (χ² = ∞, p = 0)', () => {
    expect(chiSquareTest(['a', 'b', 'a'], ['a', 'c', 'b'])).toMatchObject({ statistic: Infinity, pValue: 0 });
  });
});

describe('proportion z-test for binary columns (Evidently z)', () => {
  it('40% vs 55% of 100: z = −2.12398, p = 0.033672 (hand formula with scipy.stats.norm)', () => {
    const r = proportionDrift([...repeat(0, 60), ...repeat(1, 40)], [...repeat(0, 45), ...repeat(1, 55)]);
    expect(r.statistic).toBeCloseTo(-2.1239769762143665, 10);
    expect(r.pValue).toBeCloseTo(0.03367206885634566, 10);
    expect(r.drifted).toBe(true);
  });

  it('one shared constant value is no drift (p = 1)', () => {
    expect(proportionDrift(['x', 'x'], ['x'])).toMatchObject({ pValue: 1, drifted: false });
  });
});

describe('Wasserstein distance, normalised by the reference std (Evidently wasserstein)', () => {
  it('matches scipy.stats.wasserstein_distance and its ratio to np.std(reference)', () => {
    expect(wassersteinDistance(A, B)).toBeCloseTo(0.5951, 12);
    expect(normalizedWasserstein(A, B)).toBeCloseTo(0.5464227098714067, 12);
    expect(normalizedWasserstein(samples.x800, samples.y1500)).toBeCloseTo(0.14493838762670214, 12);
  });

  it('a constant reference uses the 0.001 floor instead of dividing by zero', () => {
    expect(normalizedWasserstein([5, 5, 5], [5, 5, 5.001])).toBeCloseTo(0.001 / 3 / 0.001, 9);
  });
});

describe("Evidently's binning, Jensen–Shannon and PSI", () => {
  it('numerical columns with > 20 distinct values use Sturges edges over reference ∪ current (13 bins here)', () => {
    expect(sturgesEdges([...samples.x800, ...samples.y1500])).toHaveLength(14);
    const shares = binShares(samples.x800, samples.y1500, 'num');
    expect(shares.reference.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    expect(jensenShannonDistance(shares.reference, shares.current)).toBeCloseTo(0.07383670261647299, 12);
  });

  it('PSI on the same bins with zero shares filled: 0.031515', () => {
    expect(psiDrift(samples.x800, samples.y1500, 'num').statistic).toBeCloseTo(0.03151483073719177, 12);
  });

  it('categorical shares 0.5/0.3/0.2/0 vs 0.3/0.4/0.2/0.1: JS = 0.270918, PSI = 0.821018', () => {
    const reference = [...repeat('a', 5), ...repeat('b', 3), ...repeat('c', 2)];
    const current = [...repeat('a', 3), ...repeat('b', 4), ...repeat('c', 2), 'd'];
    expect(jensenShannonDrift(reference, current, 'cat')).toMatchObject({ test: 'jensenshannon', drifted: true });
    expect(jensenShannonDrift(reference, current, 'cat').statistic).toBeCloseTo(0.27091797876483953, 12);
    const psi = psiDrift(reference, current, 'cat');
    expect(psi.statistic).toBeCloseTo(0.8210180843686918, 12);
    expect(psi.drifted).toBe(true);
  });

  it('fills zero shares with 0.0001, or the smallest share / 1e6 when that is already ≤ 0.0001', () => {
    expect(fillZeroShares([0.5, 0, 0.5])).toEqual([0.5, 0.0001, 0.5]);
    expect(fillZeroShares([0.99995, 0.00005, 0])[2]).toBeCloseTo(5e-11, 20);
    expect(populationStabilityIndex([0.5, 0.5], [0.5, 0.5])).toBe(0);
  });
});

describe("chooseDriftTest: Evidently's default method and threshold", () => {
  const numeric = (n: number, shift = 0): number[] => Array.from({ length: n }, (_, i) => ((i * 37) % 101) / 10 + shift);

  it.each([
    ['num', 1000, 'many values', 'ks'],
    ['num', 500, '4 values', 'chisquare'],
    ['num', 500, '2 values', 'z'],
    ['cat', 500, '3 values', 'chisquare'],
    ['cat', 500, '2 values', 'z'],
    ['num', 1001, 'many values', 'wasserstein'],
    ['num', 1001, '4 values', 'jensenshannon'],
    ['cat', 1001, '2 values', 'jensenshannon'],
  ] as const)('%s column, %i reference rows, %s → %s', (kind, rows, values, expected) => {
    const distinct = values === 'many values' ? 101 : Number(values[0]);
    const reference = Array.from({ length: rows }, (_, i) => (kind === 'cat' ? `c${i % distinct}` : i % distinct));
    expect(defaultDriftTest(reference, reference.slice(0, 50), kind)).toBe(expected);
  });

  it('small numerical sample: KS with p < 0.05 (the 300 vs 300 sample drifts)', () => {
    const r = chooseDriftTest(samples.x300, samples.y300, 'num');
    expect(r).toMatchObject({ test: 'ks', threshold: 0.05, drifted: true });
    expect(r.pValue).toBeLessThan(0.05);
  });

  it('large numerical sample: normalised Wasserstein ≥ 0.1 drifts, a shift of 0 does not', () => {
    expect(chooseDriftTest(numeric(2000), numeric(2000, 0.5), 'num')).toMatchObject({ test: 'wasserstein', threshold: 0.1, drifted: true });
    const same = chooseDriftTest(numeric(2000), numeric(500), 'num');
    expect(same.test).toBe('wasserstein');
    expect(same.drifted).toBe(false);
    expect(same.pValue).toBeUndefined();
  });

  it('honours an explicit method and threshold (Evidently stattest / stattest_threshold)', () => {
    const r = chooseDriftTest(samples.x800, samples.y1500, 'num', { test: 'psi', threshold: 0.02 });
    expect(r).toMatchObject({ test: 'psi', threshold: 0.02, drifted: true });
  });

  it('rejects empty samples and non-numbers for numerical methods', () => {
    expect(() => chooseDriftTest([], [1], 'num')).toThrow(RangeError);
    expect(() => chooseDriftTest(['a', 'b', 'c', 'd', 'e', 'f'], ['a'], 'num')).toThrow(TypeError);
  });
});
