import { describe, expect, it } from 'vitest';
import {
  minimumSampleSizeForMeans,
  minimumSampleSizePerVariant,
  studentTQuantile,
  summarize,
  twoProportionZTest,
  verdict,
  welchTTest,
} from '../../src/stats/experiments.js';

// Expected values: scipy 1.17.1 on this machine — ttest_ind(B, A, equal_var=False) with its
// confidence_interval, and the z / sample-size formulas evaluated with scipy.stats.norm.
const A = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
const B = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];

describe("Welch's t-test", () => {
  it('matches scipy ttest_ind(equal_var=False): t = 2.45536, df = 24.9885, p = 0.021378, CI [0.34924, 3.98410]', () => {
    const r = welchTTest(summarize(A), summarize(B));
    expect(r.statistic).toBeCloseTo(2.455356398286006, 10);
    expect(r.degreesOfFreedom).toBeCloseTo(24.988529290231416, 9);
    expect(r.pValue).toBeCloseTo(0.021378001462866992, 10);
    expect(r.confidenceInterval[0]).toBeCloseTo(0.3492370661924069, 9);
    expect(r.confidenceInterval[1]).toBeCloseTo(3.984096267140929, 9);
  });

  it('studentTQuantile inverts the t CDF (scipy t.ppf(0.975, 7.3) = 2.345067)', () => {
    expect(studentTQuantile(0.975, 7.3)).toBeCloseTo(2.345066736547703, 10);
  });

  it('two identical constant samples give p = 1; different constants p = 0', () => {
    expect(welchTTest({ mean: 1, variance: 0, n: 5 }, { mean: 1, variance: 0, n: 5 }).pValue).toBe(1);
    expect(welchTTest({ mean: 1, variance: 0, n: 5 }, { mean: 2, variance: 0, n: 5 }).pValue).toBe(0);
  });
});

describe('two-proportion z-test', () => {
  it('200/2000 vs 250/2000: z = 2.50196, p = 0.012351, Wald CI [0.005431, 0.044569]', () => {
    const r = twoProportionZTest({ successes: 200, total: 2000 }, { successes: 250, total: 2000 });
    expect(r.statistic).toBeCloseTo(2.501955416802671, 10);
    expect(r.pValue).toBeCloseTo(0.012350947711191423, 10);
    expect(r.difference).toBeCloseTo(0.025, 12);
    expect(r.confidenceInterval[0]).toBeCloseTo(0.00543100855465602, 10);
    expect(r.confidenceInterval[1]).toBeCloseTo(0.04456899144534397, 10);
  });

  it('rejects impossible counts', () => {
    expect(() => twoProportionZTest({ successes: 5, total: 3 }, { successes: 1, total: 3 })).toThrow(RangeError);
  });
});

describe('minimum sample size', () => {
  it('10% → 12%, alpha 0.05, power 0.8: 3841 per variant (formula value 3840.85)', () => {
    expect(minimumSampleSizePerVariant(0.1, 0.02)).toBe(3841);
  });

  it('50% → 55%, alpha 0.01, power 0.9: 2966 per variant (formula value 2965.96)', () => {
    expect(minimumSampleSizePerVariant(0.5, 0.05, { alpha: 0.01, power: 0.9 })).toBe(2966);
  });

  it('means: σ = 2, δ = 1 → 63 per variant (2·(1.95996 + 0.84162)²·4 = 62.79)', () => {
    expect(minimumSampleSizeForMeans(2, 1)).toBe(63);
  });
});

describe('verdict', () => {
  it('significant rate difference before the planned size: winner B, with a peeking warning', () => {
    const v = verdict({ metric: 'rate', a: { successes: 200, total: 2000 }, b: { successes: 250, total: 2000 }, minimumDetectableEffect: 0.02, baselineRate: 0.1 });
    expect(v).toMatchObject({ significant: true, winner: 'b', samplesNeeded: 3841 });
    expect(v.warning).toMatch(/2000 of the planned 3841.*peeking/);
  });

  it('no warning once both variants reach the planned size; no winner when not significant', () => {
    const v = verdict({ metric: 'rate', a: { successes: 400, total: 4000 }, b: { successes: 410, total: 4000 }, minimumDetectableEffect: 0.02, baselineRate: 0.1 });
    expect(v.significant).toBe(false);
    expect(v.winner).toBeUndefined();
    expect(v.warning).toBeUndefined();
  });

  it('lower-is-better means (latency): a significantly higher B makes A the winner', () => {
    const v = verdict({ metric: 'mean', a: summarize(A), b: summarize(B), minimumDetectableEffect: 1, higherIsBetter: false });
    expect(v).toMatchObject({ significant: true, winner: 'a' });
    expect(v.pValue).toBeCloseTo(0.021378001462866992, 10);
    expect(v.samplesNeeded).toBeGreaterThan(15);
    expect(v.warning).toContain('peeking');
  });
});
