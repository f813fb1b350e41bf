import { describe, expect, it } from 'vitest';
import type { ClosedMeasurement, Outcome } from '../../bench/measurements.js';
import { PREDLOG_STEP_IDS } from '../../bench/prediction-log.js';
import { predictionLogTargets } from '../../bench/prediction-log-targets.js';

/** A member of the interleaved step: slices in round order, the median slice as its result. */
function member(slices: number[], non2xx = 0): ClosedMeasurement {
  const median = [...slices].sort((a, b) => a - b)[(slices.length - 1) >> 1] ?? 0;
  const ok = { count: 1000, p50Us: 4000, p90Us: 5000, p99Us: 9000, maxUs: 12_000, meanUs: 4200 };
  return {
    kind: 'closed',
    concurrency: 32,
    rowsPerRequest: 1,
    serverFlags: [],
    result: { kind: 'closed', durationS: 1.67, responses: 1000, reqPerS: median, statusCounts: { 200: 1000 }, ok, networkErrors: 0, non2xx },
    repeatsReqPerS: slices,
    meanBatchRows: null,
  };
}

function outcomes(off: ClosedMeasurement, on: ClosedMeasurement): Map<string, Outcome> {
  const members = [
    { id: PREDLOG_STEP_IDS.off, title: 'off', measurement: off, sliceP50sUs: [4000] },
    { id: PREDLOG_STEP_IDS.on, title: 'on', measurement: on, sliceP50sUs: [4000] },
  ];
  return new Map([[PREDLOG_STEP_IDS.group, { status: 'ok', measurement: { kind: 'group', members }, foreignCpuCores: 0 }]]);
}

describe('prediction-log target', () => {
  it('pairs the slices of each round: load that moves both servers alike cancels out', () => {
    // The machine slows down half-way through: every round's two slices slow together, logging costs 3 %.
    const off = [6000, 6000, 6000, 6000, 3000, 3000, 3000, 3000, 3000];
    const on = off.map((x) => x * 0.97);
    const [verdict] = predictionLogTargets(outcomes(member(off), member(on)));
    expect(verdict).toMatchObject({ pass: true, measured: '0.970' });
    expect(verdict?.note).toContain('ratio 0.970');
  });

  it('fails when logging costs more than 5 % in most rounds, whatever one lucky round says', () => {
    const off = [6000, 6100, 5900, 6000, 6050];
    const on = [5400, 5500, 6600, 5300, 5450];
    const [verdict] = predictionLogTargets(outcomes(member(off), member(on)));
    expect(verdict?.pass).toBe(false);
    expect(verdict?.value).toBeCloseTo(0.9, 2);
  });

  it('gives no verdict when requests failed or the step did not run', () => {
    expect(predictionLogTargets(outcomes(member([6000]), member([5900], 3)))[0]).toMatchObject({ pass: null });
    expect(predictionLogTargets(new Map())[0]).toMatchObject({ pass: null });
  });
});
