import { describe, expect, it } from 'vitest';
import { LatencyHistogram, MAX_TRACKABLE_US } from '../../src/loadtest/histogram.js';

/** The exact nearest-rank percentile of plain samples. */
function exactPercentile(sorted: readonly number[], percent: number): number {
  return sorted[Math.max(1, Math.ceil((percent / 100) * sorted.length)) - 1]!;
}

describe('LatencyHistogram', () => {
  it('is empty until something is recorded', () => {
    expect(new LatencyHistogram().summary()).toEqual({ count: 0, minUs: 0, meanUs: 0, p50Us: 0, p90Us: 0, p95Us: 0, p99Us: 0, maxUs: 0 });
  });

  it('is exact below 2,048 µs', () => {
    const h = new LatencyHistogram();
    for (let us = 1; us <= 1000; us++) h.recordUs(us);
    expect(h.summary()).toEqual({ count: 1000, minUs: 1, meanUs: 501, p50Us: 500, p90Us: 900, p95Us: 950, p99Us: 990, maxUs: 1000 });
  });

  it('keeps every percentile within 0.1% of the exact value from 1 µs to 10 min', () => {
    // A seeded LCG: the same 20,000 samples on every run, spread log-uniformly over the range.
    let seed = 12345;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const samples = Array.from({ length: 20_000 }, () => Math.round(Math.exp(next() * Math.log(MAX_TRACKABLE_US))));
    const h = new LatencyHistogram();
    for (const us of samples) h.recordUs(us);
    const sorted = [...samples].sort((a, b) => a - b);
    for (const p of [1, 10, 25, 50, 75, 90, 95, 99, 99.9]) {
      const exact = exactPercentile(sorted, p);
      const reported = h.percentileUs(p);
      expect(reported).toBeGreaterThanOrEqual(exact);
      expect(reported - exact).toBeLessThanOrEqual(exact / 1000);
    }
    expect(h.summary().minUs).toBe(sorted[0]);
    expect(h.summary().maxUs).toBe(sorted.at(-1));
  });

  it('records milliseconds at microsecond resolution and clamps what is out of range', () => {
    const h = new LatencyHistogram();
    h.recordMs(1.2344);
    h.recordMs(-5);
    h.recordMs(3_600_000);
    expect(h.summary()).toMatchObject({ count: 3, minUs: 0, maxUs: MAX_TRACKABLE_US });
    expect(h.percentileUs(50)).toBe(1234);
  });
});
