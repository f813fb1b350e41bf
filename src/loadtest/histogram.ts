/**
 * A log-linear latency histogram in whole microseconds, in the manner of HDR
 * histograms: exact below 2,048 µs, then 1,024 buckets per power of two, so a
 * reported percentile is within 0.1% of the true value, from 1 µs to 10 min,
 * in a fixed 170 KB whatever the number of samples.
 *
 * bench/histogram.ts uses hdr-histogram-js, which reaches node_modules only
 * through autocannon (a dev dependency), so the CLI cannot rely on it.
 */
const EXACT_BELOW = 2048;
const SUB_BUCKETS = 1024;
const SUB_BITS = 11; // bits kept from a value at or above EXACT_BELOW
export const MAX_TRACKABLE_US = 600_000_000;
const BUCKETS = EXACT_BELOW + (32 - Math.clz32(MAX_TRACKABLE_US) - SUB_BITS) * SUB_BUCKETS;

export interface LatencySummary {
  count: number;
  minUs: number;
  meanUs: number;
  p50Us: number;
  p90Us: number;
  p95Us: number;
  p99Us: number;
  maxUs: number;
}

function bucketOf(us: number): number {
  if (us < EXACT_BELOW) return us;
  const shift = 32 - Math.clz32(us) - SUB_BITS;
  return EXACT_BELOW + (shift - 1) * SUB_BUCKETS + ((us >>> shift) - SUB_BUCKETS);
}

/** The largest value that falls in `bucket` (what HDR histograms report: never under the truth). */
function highestIn(bucket: number): number {
  if (bucket < EXACT_BELOW) return bucket;
  const shift = Math.floor((bucket - EXACT_BELOW) / SUB_BUCKETS) + 1;
  const sub = ((bucket - EXACT_BELOW) % SUB_BUCKETS) + SUB_BUCKETS;
  return (sub << shift) + (1 << shift) - 1;
}

export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  private total = 0;
  private sumUs = 0;
  private minUs = Number.POSITIVE_INFINITY;
  private maxUs = 0;

  get count(): number {
    return this.total;
  }

  /** Records microseconds, rounded and clamped to 0 … 10 min. */
  recordUs(us: number): void {
    const value = Math.min(MAX_TRACKABLE_US, Math.max(0, Math.round(us)));
    this.counts[bucketOf(value)]! += 1;
    this.total++;
    this.sumUs += value;
    if (value < this.minUs) this.minUs = value;
    if (value > this.maxUs) this.maxUs = value;
  }

  /** Records a duration in milliseconds (what performance.now() differences give). */
  recordMs(ms: number): void {
    this.recordUs(ms * 1000);
  }

  /** The value at or under which `percent`% of the samples lie; 0 when empty. */
  percentileUs(percent: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil((percent / 100) * this.total));
    let seen = 0;
    for (let bucket = 0; bucket < BUCKETS; bucket++) {
      seen += this.counts[bucket]!;
      if (seen >= rank) return Math.max(this.minUs, Math.min(this.maxUs, highestIn(bucket)));
    }
    return this.maxUs;
  }

  summary(): LatencySummary {
    if (this.total === 0) return { count: 0, minUs: 0, meanUs: 0, p50Us: 0, p90Us: 0, p95Us: 0, p99Us: 0, maxUs: 0 };
    return {
      count: this.total,
      minUs: this.minUs,
      meanUs: Math.round(this.sumUs / this.total),
      p50Us: this.percentileUs(50),
      p90Us: this.percentileUs(90),
      p95Us: this.percentileUs(95),
      p99Us: this.percentileUs(99),
      maxUs: this.maxUs,
    };
  }
}
