import { measured, type Outcomes } from './measurements.js';
import { PREDLOG_STEP_IDS as IDS } from './prediction-log.js';
import { NA, type TargetResult } from './target-result.js';

const ID = 'predlog-throughput-ratio';
const TARGET = 'tiny model c=32: throughput with every prediction logged (SQLite) / without ≥ 0.95';

/** The steps the target reads, for the disturbance flag. */
export const PREDLOG_READS: Readonly<Record<string, readonly string[]>> = { [ID]: [IDS.group] };

export function predictionLogTargets(outcomes: Outcomes): TargetResult[] {
  const group = measured(outcomes, IDS.group, 'group');
  const off = group?.members.find((m) => m.id === IDS.off)?.measurement;
  const on = group?.members.find((m) => m.id === IDS.on)?.measurement;
  if (off === undefined || on === undefined) return [NA(ID, TARGET, `needs step ${IDS.group}`)];
  const failed = (m: typeof on): number => m.result.non2xx + m.result.networkErrors;
  if (failed(off) + failed(on) > 0) return [NA(ID, TARGET, `requests not answered 2xx: off ${failed(off)}, on ${failed(on)}`)];
  const value = on.result.reqPerS / off.result.reqPerS;
  const note = `${Math.round(on.result.reqPerS)} vs ${Math.round(off.result.reqPerS)} req/s (median slice of each; slices on ${on.repeatsReqPerS.map(Math.round).join('/')}, off ${off.repeatsReqPerS.map(Math.round).join('/')})`;
  return [{ id: ID, target: TARGET, measured: value.toFixed(3), value, pass: value >= 0.95, note }];
}
