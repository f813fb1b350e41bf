import type { ColumnKind, DriftValue } from './types.js';

/**
 * Shares of reference and current values per bucket, following Evidently's `get_binned_data`
 * (evidently/calculations/stattests/utils.py), which PSI and Jensen–Shannon use:
 * - a numerical column with more than 20 distinct reference values is cut into equal-width bins whose
 *   edges come from numpy's `histogram_bin_edges(reference ∪ current, bins="sturges")`;
 * - anything else gets one bucket per distinct value seen in either sample.
 */
export interface BinnedShares {
  reference: number[];
  current: number[];
}

const MAX_DISTINCT_FOR_VALUE_BUCKETS = 20;

export function binShares(reference: readonly DriftValue[], current: readonly DriftValue[], kind: ColumnKind): BinnedShares {
  if (kind === 'num' && new Set(reference).size > MAX_DISTINCT_FOR_VALUE_BUCKETS) {
    const edges = sturgesEdges([...(reference as readonly number[]), ...(current as readonly number[])]);
    return {
      reference: histogram(reference as readonly number[], edges).map((c) => c / reference.length),
      current: histogram(current as readonly number[], edges).map((c) => c / current.length),
    };
  }
  const keys = [...new Set([...reference, ...current])];
  const refCounts = countValues(reference);
  const curCounts = countValues(current);
  return {
    reference: keys.map((k) => (refCounts.get(k) ?? 0) / reference.length),
    current: keys.map((k) => (curCounts.get(k) ?? 0) / current.length),
  };
}

/**
 * Evidently's `feel_zeroes` step for PSI: an empty bucket would make ln(r/c) infinite, so each zero
 * share becomes 0.0001 — or, when the smallest non-zero share is already ≤ 0.0001, that share / 10⁶.
 */
export function fillZeroShares(shares: readonly number[]): number[] {
  const nonZero = shares.filter((s) => s !== 0);
  if (nonZero.length === 0) return [...shares];
  const smallest = Math.min(...nonZero);
  const fill = smallest <= 0.0001 ? smallest / 1e6 : 0.0001;
  return shares.map((s) => (s === 0 ? fill : s));
}

export function countValues<T>(values: readonly T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

/** numpy `histogram_bin_edges(values, bins="sturges")`: width = range / (log2(n) + 1), equal-width edges from min to max. */
export function sturgesEdges(values: readonly number[]): number[] {
  let first = Infinity;
  let last = -Infinity;
  for (const v of values) {
    if (v < first) first = v;
    if (v > last) last = v;
  }
  let bins = 1;
  if (last > first) {
    const width = (last - first) / (Math.log2(values.length) + 1);
    bins = Math.ceil((last - first) / width);
  } else {
    first -= 0.5;
    last += 0.5;
  }
  // numpy linspace: start + i * step, with the last edge set exactly to stop.
  const step = (last - first) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => first + i * step);
  edges[bins] = last;
  return edges;
}

/** numpy `histogram(values, edges)` for equal-width edges: half-open bins, the last one closed; values outside are ignored. */
export function histogram(values: readonly number[], edges: readonly number[]): number[] {
  const bins = edges.length - 1;
  const first = edges[0] as number;
  const last = edges[bins] as number;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    if (v < first || v > last) continue;
    let i = Math.trunc(((v - first) / (last - first)) * bins);
    if (i === bins) i -= 1;
    // Same float corrections as numpy: the computed index may be one off at an edge.
    if (v < (edges[i] as number)) i -= 1;
    else if (i !== bins - 1 && v >= (edges[i + 1] as number)) i += 1;
    counts[i] = (counts[i] as number) + 1;
  }
  return counts;
}
