/**
 * Significance tests and sample-size planning for online A/B experiments (split nodes): a
 * two-proportion z-test for rates (conversion, accuracy on feedback), Welch's t-test for means
 * (latency, revenue, a regression error), the minimum sample size per variant, and a `verdict`
 * that combines them and warns when someone is reading the result before the planned sample size.
 * Convention: A is the control, B the candidate; differences are B − A.
 */
import { normalQuantile, normalSf, studentTCdf, studentTTwoSidedP } from './special.js';

export interface RateSample {
  /** Successes (conversions, correct predictions, clicks). */
  successes: number;
  /** Trials (requests with feedback). */
  total: number;
}

export interface MeanSample {
  mean: number;
  /** Unbiased sample variance (divisor n − 1). */
  variance: number;
  n: number;
}

export interface TestResult {
  statistic: number;
  pValue: number;
  /** B − A. */
  difference: number;
  /** Two-sided (1 − alpha) confidence interval of B − A. */
  confidenceInterval: [number, number];
}

export interface WelchResult extends TestResult {
  /** Welch–Satterthwaite degrees of freedom. */
  degreesOfFreedom: number;
}

function checkAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
}

function checkRate(name: string, s: RateSample): void {
  if (!(Number.isInteger(s.total) && s.total > 0 && Number.isInteger(s.successes) && s.successes >= 0 && s.successes <= s.total)) {
    throw new RangeError(`${name} needs integer successes in [0, total] and total > 0, got ${s.successes}/${s.total}`);
  }
}

/**
 * Two-proportion z-test (two-sided). The statistic uses the pooled rate under H₀: p_A = p_B,
 * z = (p_B − p_A) / √(P(1−P)(1/n_A + 1/n_B)); the confidence interval of p_B − p_A uses the unpooled
 * (Wald) standard error √(p_A(1−p_A)/n_A + p_B(1−p_B)/n_B), since it is not computed under H₀.
 */
export function twoProportionZTest(a: RateSample, b: RateSample, alpha = 0.05): TestResult {
  checkRate('twoProportionZTest (A)', a);
  checkRate('twoProportionZTest (B)', b);
  checkAlpha(alpha);
  const pa = a.successes / a.total;
  const pb = b.successes / b.total;
  const pooled = (a.successes + b.successes) / (a.total + b.total);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / a.total + 1 / b.total));
  const difference = pb - pa;
  // All successes or all failures in both arms: no variance, no evidence of a difference.
  const statistic = sePooled === 0 ? 0 : difference / sePooled;
  const pValue = Math.min(1, 2 * normalSf(Math.abs(statistic)));
  const seWald = Math.sqrt((pa * (1 - pa)) / a.total + (pb * (1 - pb)) / b.total);
  const z = normalQuantile(1 - alpha / 2);
  return { statistic, pValue, difference, confidenceInterval: [difference - z * seWald, difference + z * seWald] };
}

/** Mean, unbiased variance and size of a sample — the input {@link welchTTest} needs. */
export function summarize(values: readonly number[]): MeanSample {
  const n = values.length;
  if (n < 2) throw new RangeError(`summarize needs at least 2 values, got ${n}`);
  const mean = values.reduce((s, x) => s + x, 0) / n;
  const variance = values.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  return { mean, variance, n };
}

/** Student t quantile by bisection on {@link studentTCdf} (monotone, so 200 halvings reach double precision). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`studentTQuantile needs p in (0, 1), got ${p}`);
  let low = -1;
  let high = 1;
  while (studentTCdf(low, df) > p) low *= 2;
  while (studentTCdf(high, df) < p) high *= 2;
  for (let i = 0; i < 200 && high - low > 1e-15 * Math.max(1, Math.abs(low)); i++) {
    const mid = (low + high) / 2;
    if (studentTCdf(mid, df) < p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/**
 * Welch's unequal-variances t-test (two-sided): t = (m_B − m_A) / √(s²_A/n_A + s²_B/n_B), with the
 * Welch–Satterthwaite df = (s²_A/n_A + s²_B/n_B)² / ((s²_A/n_A)²/(n_A−1) + (s²_B/n_B)²/(n_B−1)) and
 * p = P(|T_df| ≥ |t|) from the regularized incomplete beta function.
 */
export function welchTTest(a: MeanSample, b: MeanSample, alpha = 0.05): WelchResult {
  checkAlpha(alpha);
  for (const [name, s] of [['A', a], ['B', b]] as const) {
    if (!(s.n >= 2 && s.variance >= 0)) throw new RangeError(`welchTTest (${name}) needs n ≥ 2 and variance ≥ 0, got n=${s.n}, variance=${s.variance}`);
  }
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const difference = b.mean - a.mean;
  const se = Math.sqrt(va + vb);
  if (se === 0) {
    // Two constant samples: identical means are no evidence; different ones are certain.
    const pValue = difference === 0 ? 1 : 0;
    return { statistic: difference === 0 ? 0 : Math.sign(difference) * Infinity, pValue, difference, degreesOfFreedom: a.n + b.n - 2, confidenceInterval: [difference, difference] };
  }
  const statistic = difference / se;
  const degreesOfFreedom = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  const pValue = studentTTwoSidedP(statistic, degreesOfFreedom);
  const t = studentTQuantile(1 - alpha / 2, degreesOfFreedom);
  return { statistic, pValue, difference, degreesOfFreedom, confidenceInterval: [difference - t * se, difference + t * se] };
}

export interface SampleSizeOptions {
  /** Significance level (two-sided). @default 0.05 */
  alpha?: number;
  /** Probability of detecting an effect of the given size. @default 0.8 */
  power?: number;
}

/**
 * Minimum sample size per variant for a two-sided two-proportion test to detect a change from
 * `baselineRate` to `baselineRate + minimumDetectableEffect` (absolute, e.g. 0.02 for 10% → 12%):
 * n = (z_{1−α/2}·√(2·p̄(1−p̄)) + z_{power}·√(p₁(1−p₁) + p₂(1−p₂)))² / (p₂ − p₁)², p̄ = (p₁ + p₂)/2
 * (Fleiss, Statistical Methods for Rates and Proportions, eq. 4.14 without continuity correction), rounded up.
 */
export function minimumSampleSizePerVariant(baselineRate: number, minimumDetectableEffect: number, options: SampleSizeOptions = {}): number {
  const alpha = options.alpha ?? 0.05;
  const power = options.power ?? 0.8;
  checkAlpha(alpha);
  if (!(power > 0 && power < 1)) throw new RangeError(`power must be in (0, 1), got ${power}`);
  const p1 = baselineRate;
  const p2 = baselineRate + minimumDetectableEffect;
  if (!(p1 > 0 && p1 < 1 && p2 > 0 && p2 < 1 && minimumDetectableEffect !== 0)) {
    throw new RangeError(`baselineRate and baselineRate + minimumDetectableEffect must lie in (0, 1) and differ, got ${p1} and ${p2}`);
  }
  const pBar = (p1 + p2) / 2;
  const zAlpha = normalQuantile(1 - alpha / 2);
  const zBeta = normalQuantile(power);
  const n = (zAlpha * Math.sqrt(2 * pBar * (1 - pBar)) + zBeta * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 / (p2 - p1) ** 2;
  return Math.ceil(n - 1e-9);
}

/**
 * Minimum sample size per variant for a two-sided test of means to detect a difference `minimumDetectableEffect`
 * given a common standard deviation: n = 2·(z_{1−α/2} + z_{power})²·σ² / δ² (normal approximation), rounded up.
 */
export function minimumSampleSizeForMeans(standardDeviation: number, minimumDetectableEffect: number, options: SampleSizeOptions = {}): number {
  const alpha = options.alpha ?? 0.05;
  const power = options.power ?? 0.8;
  checkAlpha(alpha);
  if (!(power > 0 && power < 1)) throw new RangeError(`power must be in (0, 1), got ${power}`);
  if (!(standardDeviation > 0) || minimumDetectableEffect === 0) throw new RangeError('minimumSampleSizeForMeans needs a positive standard deviation and a non-zero effect');
  const z = normalQuantile(1 - alpha / 2) + normalQuantile(power);
  return Math.ceil((2 * z * z * standardDeviation ** 2) / minimumDetectableEffect ** 2 - 1e-9);
}

interface VerdictCommon {
  /** @default 0.05 */
  alpha?: number;
  /** @default 0.8 */
  power?: number;
  /** Smallest absolute difference (B − A) worth detecting; sets the planned sample size. */
  minimumDetectableEffect: number;
  /** Whether a larger rate/mean is the better outcome (false for latency, error). @default true */
  higherIsBetter?: boolean;
}

export type VerdictInput =
  | (VerdictCommon & { metric: 'rate'; a: RateSample; b: RateSample; /** Planned baseline; defaults to A's observed rate. */ baselineRate?: number })
  | (VerdictCommon & { metric: 'mean'; a: MeanSample; b: MeanSample; /** Planned σ; defaults to the pooled observed σ. */ standardDeviation?: number });

export interface Verdict {
  significant: boolean;
  pValue: number;
  /** B − A. */
  difference: number;
  confidenceInterval: [number, number];
  /** Set only when significant. */
  winner?: 'a' | 'b';
  /** Planned sample size per variant for the minimum detectable effect. */
  samplesNeeded: number;
  /** Present while the smaller variant has fewer samples than planned. */
  warning?: string;
}

/**
 * The A/B report's bottom line: runs the right test, names a winner only when p < alpha, computes
 * the planned sample size, and warns about peeking — checking a running test repeatedly and stopping
 * at the first p < 0.05 inflates the false-positive rate far above alpha, so a result read before the
 * planned size is provisional even when it looks significant.
 */
export function verdict(input: VerdictInput): Verdict {
  const alpha = input.alpha ?? 0.05;
  const sizing = { alpha, power: input.power ?? 0.8 };
  let result: TestResult;
  let samplesNeeded: number;
  let observed: number;
  if (input.metric === 'rate') {
    result = twoProportionZTest(input.a, input.b, alpha);
    const baseline = input.baselineRate ?? input.a.successes / input.a.total;
    samplesNeeded = minimumSampleSizePerVariant(clampRate(baseline, input.minimumDetectableEffect), input.minimumDetectableEffect, sizing);
    observed = Math.min(input.a.total, input.b.total);
  } else {
    result = welchTTest(input.a, input.b, alpha);
    const pooledSd = Math.sqrt(((input.a.n - 1) * input.a.variance + (input.b.n - 1) * input.b.variance) / (input.a.n + input.b.n - 2));
    samplesNeeded = minimumSampleSizeForMeans(input.standardDeviation ?? Math.max(pooledSd, Number.MIN_VALUE), input.minimumDetectableEffect, sizing);
    observed = Math.min(input.a.n, input.b.n);
  }
  const significant = result.pValue < alpha;
  const higherIsBetter = input.higherIsBetter ?? true;
  const out: Verdict = { significant, pValue: result.pValue, difference: result.difference, confidenceInterval: result.confidenceInterval, samplesNeeded };
  if (significant) out.winner = result.difference > 0 === higherIsBetter ? 'b' : 'a';
  if (observed < samplesNeeded) {
    out.warning =
      `only ${observed} of the planned ${samplesNeeded} samples per variant: ` +
      'do not stop or pick a winner yet — checking repeatedly and stopping at the first significant result (peeking) inflates false positives';
  }
  return out;
}

/** An observed baseline of exactly 0 or 1 (tiny samples) would make the sample-size formula undefined. */
function clampRate(baseline: number, effect: number): number {
  const low = Math.max(1e-6, -effect + 1e-6);
  const high = Math.min(1 - 1e-6, 1 - effect - 1e-6);
  return Math.min(high, Math.max(low, baseline));
}
