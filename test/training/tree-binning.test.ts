import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/training/random.js';
import { binFeatures } from '../../src/training/tree-binning.js';

describe('binFeatures', () => {
  const random = new SeededRandom(3);
  // Continuous values, heavy ties, tiny gaps between neighbours (float32 rounding of midpoints), and negatives.
  const columns = [
    () => random.normal(0, 1),
    () => Math.floor(random.next() * 5),
    () => 1 + Math.floor(random.next() * 50) * 2 ** -23,
    () => -1000 * random.next(),
  ];
  const rows = Array.from({ length: 2000 }, () => columns.map((draw) => draw()));
  const binned = binFeatures(rows, columns.length, 64);

  it('puts x in bin b exactly when edges[b-1] < float32(x) <= edges[b] (the ONNX BRANCH_LEQ test)', () => {
    rows.forEach((row, i) => {
      row.forEach((x, f) => {
        const edges = binned.edges[f] ?? new Float32Array();
        const bin = binned.codes[i * columns.length + f] ?? -1;
        const v = Math.fround(x);
        if (bin < edges.length) expect(v <= (edges[bin] ?? Number.NaN)).toBe(true);
        if (bin > 0) expect(v > (edges[bin - 1] ?? Number.NaN)).toBe(true);
      });
    });
  });

  it('uses float32 thresholds, strictly increasing, at most maxBins bins per feature', () => {
    for (const edges of binned.edges) {
      expect(edges.length).toBeLessThanOrEqual(63);
      for (let b = 1; b < edges.length; b++) expect(edges[b]).toBeGreaterThan(edges[b - 1] ?? Number.POSITIVE_INFINITY);
    }
  });

  it('gives each distinct value its own bin when they fit, even 1-ulp apart', () => {
    const codesOf = (f: number): Set<number> => new Set(rows.map((_, i) => binned.codes[i * columns.length + f] ?? -1));
    expect(codesOf(1).size).toBe(5);
    expect(new Set(rows.map((r) => Math.fround(r[2] ?? 0))).size).toBe(codesOf(2).size);
  });

  it('spreads continuous values over roughly equal-count bins', () => {
    const counts = new Array<number>(64).fill(0);
    rows.forEach((_, i) => counts[binned.codes[i * columns.length] ?? 0]!++);
    const used = counts.filter((c) => c > 0);
    expect(used.length).toBe(64);
    expect(Math.max(...used)).toBeLessThan((3 * 2000) / 64);
  });
});
