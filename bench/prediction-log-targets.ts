import { measured, type Outcomes } from './measurements.js';
import { PREDLOG_STEP_IDS as IDS } from './prediction-log.js';
import { NA, type TargetResult } from './target-result.js';

const ID = 'predlog-throughput-ratio';
const TARGET = 'tiny model c=32: throughput with every prediction logged (SQLite) / without ≥ 0.95';

/** The steps the target reads, for the disturbance flag. */
export const PREDLOG_READS: Readonly<Record<string, readonly string[]>> = { [ID]: [IDS.group] };

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

/**
 * The ratio is the median over rounds of on/off, each round's two slices
 * taken back to back: load from other work on the machine comes and goes over
 * seconds, and touches a round's two slices alike, so pairing them cancels
 * most of it (the ratio of the two servers' median slices, also reported, mixes
 * slices from different moments and swung twice as much in runs on a busy machine).
 */
export function predictionLogTargets(outcomes: Outcomes): TargetResult[] {
  const group = measured(outcomes, IDS.group, 'group');
  const off = group?.members.find((m) => m.id === IDS.off)?.measurement;
  const on = group?.members.find((m) => m.id === IDS.on)?.measurement;
  if (off === undefined || on === undefined) return [NA(ID, TARGET, `needs step ${IDS.group}`)];
  const failed = (m: typeof on): number => m.result.non2xx + m.result.networkErrors;
  if (failed(off) + failed(on) > 0) return [NA(ID, TARGET, `requests not answered 2xx: off ${failed(off)}, on ${failed(on)}`)];
  const rounds = Math.min(on.repeatsReqPerS.length, off.repeatsReqPerS.length);
  const pairs = Array.from({ length: rounds }, (_, i) => (on.repeatsReqPerS[i] ?? NaN) / (off.repeatsReqPerS[i] ?? NaN)).filter(Number.isFinite);
  const ofMedians = on.result.reqPerS / off.result.reqPerS;
  const value = pairs.length > 0 ? median(pairs) : ofMedians;
  const note =
    `median of ${pairs.length} per-round on/off ratios (${pairs.map((p) => p.toFixed(2)).join('/')}); ` +
    `median slices ${Math.round(on.result.reqPerS)} vs ${Math.round(off.result.reqPerS)} req/s, ratio ${ofMedians.toFixed(3)} ` +
    `(slices on ${on.repeatsReqPerS.map(Math.round).join('/')}, off ${off.repeatsReqPerS.map(Math.round).join('/')})`;
  return [{ id: ID, target: TARGET, measured: value.toFixed(3), value, pass: value >= 0.95, note }];
}
