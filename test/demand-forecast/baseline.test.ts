import { describe, expect, it } from 'vitest';
import { compareWithBaseline, meanAbsoluteError, seasonalNaive } from '../../examples/demand-forecast/baseline.js';
import { MAX_HORIZON, MIN_HISTORY_DAYS } from '../../examples/demand-forecast/features.js';
import { splitOrigins } from '../../examples/demand-forecast/split.js';

describe('demand-forecast seasonal naive and evaluation', () => {
  it('seasonal naive is the value of the same weekday a week earlier', () => {
    const series = Float64Array.from({ length: 21 }, (_, i) => 100 + i);
    expect(seasonalNaive(series, 14)).toBe(107);
    expect(seasonalNaive(series, 20)).toBe(113);
    expect(() => seasonalNaive(series, 3)).toThrow(/no visitors a week before/);
  });

  it('MAE and the improvement over the baseline', () => {
    expect(meanAbsoluteError([10, 20, 30], [12, 17, 30])).toBeCloseTo(5 / 3, 12);
    const result = compareWithBaseline([10, 20, 30, 40], [11, 19, 31, 39], [14, 16, 34, 36]);
    expect(result).toEqual({ mae: 1, seasonal_naive_mae: 4, improvement: 0.75, rows: 4 });
    expect(() => meanAbsoluteError([1, 2], [1])).toThrow(/2 actuals but 1 predictions/);
    expect(() => meanAbsoluteError([1, NaN], [1, 2])).toThrow(/row 1/);
  });

  it('holds out the last weekly origins; training targets end before them, on the same weekday', () => {
    const days = 1096;
    const split = splitOrigins(days, { holdoutWeeks: 8, trainWeeks: 104 });
    expect(split.test).toHaveLength(8);
    expect((split.test.at(-1) ?? 0) + MAX_HORIZON).toBe(days - 1);
    const firstTest = split.test[0] ?? 0;
    expect(Math.max(...split.train) + MAX_HORIZON).toBeLessThanOrEqual(firstTest);
    expect(Math.min(...split.train)).toBeGreaterThanOrEqual(MIN_HISTORY_DAYS - 1);
    for (const origin of [...split.train, ...split.test]) expect((days - 1 - origin) % 7).toBe(0);
    expect(splitOrigins(days, { holdoutWeeks: 8, trainWeeks: 10 }).train).toEqual(split.train.slice(-10));
    expect(() => splitOrigins(400, { holdoutWeeks: 8, trainWeeks: 104 })).toThrow(/400 days of data are too few/);
    expect(() => splitOrigins(days, { holdoutWeeks: 0, trainWeeks: 104 })).toThrow(/holdout_weeks/);
  });
});
