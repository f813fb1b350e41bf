import { describe, expect, it } from 'vitest';
import {
  chiSquareSf,
  kolmogorovSf,
  logGamma,
  normalCdf,
  normalQuantile,
  normalSf,
  regularizedBeta,
  regularizedGammaP,
  studentTCdf,
  studentTTwoSidedP,
} from '../../src/stats/special.js';

// Every expected value below was computed with scipy 1.17.1 (scipy.stats / scipy.special), run on this machine.
/** Relative agreement (absolute when the expected value is 0). */
const close = (actual: number, expected: number, relative = 1e-10): void => {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * (expected === 0 ? 1 : Math.abs(expected)));
};

describe('normal distribution', () => {
  it('normalCdf matches scipy.stats.norm.cdf', () => {
    const z = [-3, -1.5, 0, 0.5, 2];
    const expected = [0.0013498980316300933, 0.06680720126885807, 0.5, 0.6914624612740131, 0.9772498680518208];
    z.forEach((v, i) => close(normalCdf(v), expected[i] as number));
  });

  it('normalSf keeps precision far in the tail (norm.sf(8) = 6.22e-16)', () => {
    close(normalSf(8), 6.22096057427174e-16, 1e-9);
  });

  it('normalQuantile matches scipy.stats.norm.ppf, including the tails', () => {
    const p = [1e-10, 0.01, 0.3, 0.5, 0.975, 0.999];
    const expected = [-6.361340902404056, -2.3263478740408408, -0.5244005127080409, 0, 1.959963984540054, 3.090232306167813];
    p.forEach((v, i) => expect(normalQuantile(v)).toBeCloseTo(expected[i] as number, 12));
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(() => normalQuantile(1.5)).toThrow(RangeError);
  });
});

describe('gamma and beta functions', () => {
  it('logGamma matches scipy.special.gammaln', () => {
    const x = [0.1, 0.5, 1, 4.5, 10, 100];
    const expected = [2.252712651734206, 0.5723649429247, 0, 2.4537365708424423, 12.801827480081469, 359.1342053695754];
    x.forEach((v, i) => expect(logGamma(v)).toBeCloseTo(expected[i] as number, 11));
  });

  it('regularizedBeta matches scipy.special.betainc on both sides of the switch point', () => {
    close(regularizedBeta(0.3, 2.5, 3.5), 0.29675298929566646);
    close(regularizedBeta(0.02, 0.5, 10), 0.4698474238676093);
    close(regularizedBeta(0.45, 50, 60), 0.4642352914306031, 1e-9);
    expect(regularizedBeta(0, 2, 3)).toBe(0);
    expect(regularizedBeta(1, 2, 3)).toBe(1);
  });

  it('regularizedGammaP(1, x) is 1 − e^(−x) (exponential CDF, closed form)', () => {
    for (const x of [0.1, 1, 5, 20]) close(regularizedGammaP(1, x), 1 - Math.exp(-x));
  });
});

describe('distributions built on them', () => {
  it('studentTCdf matches scipy.stats.t.cdf with fractional df', () => {
    close(studentTCdf(2.1, 3.7), 0.9453676474588877);
    close(studentTCdf(-1.3, 25), 0.10272986018381293);
    close(studentTTwoSidedP(4, 1000), 6.800991920878163e-5, 1e-8);
  });

  it('chiSquareSf matches scipy.stats.chi2.sf', () => {
    close(chiSquareSf(7.8, 3), 0.050331097859853326);
    close(chiSquareSf(30, 10), 0.000856641210775301, 1e-9);
  });

  it('kolmogorovSf matches scipy.stats.kstwobign.sf on both series branches', () => {
    const x = [0.5, 1.0, 1.36, 2.0];
    const expected = [0.9639452436648751, 0.26999967167735456, 0.049485876755377876, 0.0006709252557796953];
    x.forEach((v, i) => expect(kolmogorovSf(v)).toBeCloseTo(expected[i] as number, 12));
  });
});
