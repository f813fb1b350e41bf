import { kolmogorovSf } from '../special.js';
import { requireNonEmpty, requireNumbers, type DriftResult, type DriftValue } from './types.js';

/** Evidently's default KS threshold: drift when the p-value is below 0.05 (a 0.95 confidence level). */
export const KS_DEFAULT_THRESHOLD = 0.05;

/** scipy's `ks_2samp(method="auto")` computes the exact p-value while both samples have at most this many values. */
const MAX_EXACT_N = 10_000;

export interface KsTwoSampleResult {
  /** D = sup |F_ref(x) − F_cur(x)| over the pooled sample. */
  statistic: number;
  pValue: number;
  method: 'exact' | 'asymptotic';
}

/**
 * Two-sample two-sided Kolmogorov–Smirnov test, matching scipy.stats.ks_2samp's default ("auto"):
 * the exact null distribution when max(n₁, n₂) ≤ 10 000 (Hodges' lattice-path counting, with
 * Viehmann's numerically stable 1 − p recursion as scipy uses), otherwise the asymptotic Kolmogorov
 * distribution at √(n₁n₂/(n₁+n₂))·D. Recent scipy uses the finite-n `kstwo` law in that asymptotic
 * branch; the Kolmogorov limit used here differs from it in the third decimal at most for such sizes.
 */
export function ksTwoSample(reference: readonly number[], current: readonly number[]): KsTwoSampleResult {
  requireNonEmpty('ksTwoSample', reference, current);
  const a = [...reference].sort((x, y) => x - y);
  const b = [...current].sort((x, y) => x - y);
  const n1 = a.length;
  const n2 = b.length;
  let d = 0;
  let i = 0;
  let j = 0;
  // Walk the pooled sorted values; at each distinct value both ECDFs include all values ≤ it (ties handled).
  while (i < n1 || j < n2) {
    const x = Math.min(i < n1 ? (a[i] as number) : Infinity, j < n2 ? (b[j] as number) : Infinity);
    while (i < n1 && a[i] === x) i++;
    while (j < n2 && b[j] === x) j++;
    d = Math.max(d, Math.abs(i / n1 - j / n2));
  }
  if (Math.max(n1, n2) <= MAX_EXACT_N) {
    const exact = exactTwoSidedP(n1, n2, d);
    if (exact !== undefined) return { statistic: exact.d, pValue: exact.p, method: 'exact' };
  }
  const en = (n1 * n2) / (n1 + n2);
  return { statistic: d, pValue: kolmogorovSf(Math.sqrt(en) * d), method: 'asymptotic' };
}

/** Evidently's `ks` stattest: drift when the KS p-value is below the threshold. */
export function ksDrift(reference: readonly DriftValue[], current: readonly DriftValue[], threshold = KS_DEFAULT_THRESHOLD): DriftResult {
  const result = ksTwoSample(requireNumbers('ks', reference), requireNumbers('ks', current));
  return { test: 'ks', statistic: result.statistic, pValue: result.pValue, threshold, drifted: result.pValue < threshold };
}

function gcd(x: number, y: number): number {
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/** scipy `_attempt_exact_2kssamp` for the two-sided alternative; undefined when the float recursion breaks down. */
function exactTwoSidedP(n1: number, n2: number, d: number): { d: number; p: number } | undefined {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = Math.round(d * lcm);
  const snapped = h / lcm;
  if (h === 0) return { d: snapped, p: 1 };
  const p = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInside(n1, n2, g, h);
  if (!(p >= 0 && p <= 1)) return undefined;
  return { d: snapped, p };
}

/** P(D_{n,n} ≥ h/n) = 2·Σ_k (−1)^{k−1} C(2n, n−kh)/C(2n, n), evaluated Horner-style to avoid cancellation. */
function probOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    p = p1 * (1 - p);
  }
  return 2 * p;
}

/** Share of lattice paths (0,0)→(m,n) that leave the band |x/m − y/n| < h/lcm(m,n) (Viehmann 2021, arXiv:2102.08037). */
function outerProbInside(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const a = new Float64Array(lenA).fill(1);
  a.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = ((a[jj + minj - lastminj] as number) * i + val * j) / (i + j);
      a[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) a.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return a[maxj - minj - 1] as number;
}
