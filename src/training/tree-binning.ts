import type { Matrix } from './math.js';

/** Above this many rows, bin edges come from an evenly strided sample (sorting is the cost). */
const MAX_ROWS_FOR_EDGES = 200_000;

/**
 * Features quantised into at most 256 bins each, the input of histogram tree growth.
 *
 * Bin b of feature f holds the float32 values x with edges[f][b-1] < x <= edges[f][b], so the split
 * "bin <= b" is exactly the ONNX test "x <= edges[f][b]" on the float32 input a served model receives:
 * thresholds are float32 numbers chosen between two float32 values seen in training.
 */
export interface BinnedFeatures {
  readonly rows: number;
  readonly width: number;
  /** Per feature: ascending float32 thresholds (bins = edges + 1). */
  readonly edges: readonly Float32Array[];
  /** Row-major bin codes: codes[i * width + f] is row i's bin of feature f (a row's bins are adjacent, which the histogram loop reads together). */
  readonly codes: Uint8Array;
}

/** Bins every feature by quantiles of its float32 values (distinct values get a bin each when they fit). */
export function binFeatures(features: Matrix, width: number, maxBins: number): BinnedFeatures {
  if (!Number.isInteger(maxBins) || maxBins < 2 || maxBins > 256) throw new Error(`maxBins must be in 2..256, got ${maxBins}`);
  const rows = features.length;
  // Rows outer: the input is an array of row arrays, read once in memory order.
  const columns = Array.from({ length: width }, () => new Float32Array(rows));
  for (let i = 0; i < rows; i++) {
    const row = features[i]!;
    for (let f = 0; f < width; f++) columns[f]![i] = row[f]!;
  }
  const edges = columns.map((column) => binEdges(column, maxBins));
  const codes = new Uint8Array(rows * width);
  columns.forEach((column, f) => {
    const featureEdges = edges[f]!;
    for (let i = 0; i < rows; i++) codes[i * width + f] = binOf(featureEdges, column[i]!);
  });
  return { rows, width, edges, codes };
}

/** First bin whose upper edge is >= x (the last bin when x is above every edge). */
export function binOf(edges: Float32Array, x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Thresholds between consecutive distinct values at (roughly) equal-count quantiles, like
 * scikit-learn's HistGradientBoosting: every distinct value gets its own bin when there are at
 * most maxBins of them.
 */
function binEdges(column: Float32Array, maxBins: number): Float32Array {
  const sorted = sample(column).sort();
  // Distinct values and how many sorted values are <= each.
  const distinct = new Float64Array(sorted.length);
  const cumulative = new Int32Array(sorted.length);
  let count = 0;
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i]!;
    if (count === 0 || v !== distinct[count - 1]) distinct[count++] = v;
    cumulative[count - 1] = i + 1;
  }
  const edges: number[] = [];
  if (count <= maxBins) {
    for (let k = 0; k + 1 < count; k++) edges.push(between(distinct[k]!, distinct[k + 1]!));
  } else {
    let k = 0;
    for (let q = 1; q < maxBins; q++) {
      const target = (q * sorted.length) / maxBins;
      while (k + 1 < count && cumulative[k]! < target) k++;
      if (k + 1 >= count) break;
      const edge = between(distinct[k]!, distinct[k + 1]!);
      if (edges.length === 0 || edge > edges[edges.length - 1]!) edges.push(edge);
    }
  }
  return Float32Array.from(edges);
}

/** A float32 threshold t with a <= t < b for float32 a < b: the midpoint, unless rounding pushed it onto b. */
function between(a: number, b: number): number {
  const t = Math.fround((a + b) / 2);
  return t < b ? t : a;
}

function sample(column: Float32Array): Float32Array {
  if (column.length <= MAX_ROWS_FOR_EDGES) return column.slice();
  const stride = column.length / MAX_ROWS_FOR_EDGES;
  return Float32Array.from({ length: MAX_ROWS_FOR_EDGES }, (_, i) => column[Math.floor(i * stride)]!);
}
