import { describe, expect, it } from 'vitest';
import { parseDate, weekday } from '../../examples/demand-forecast/calendar.js';
import { FEATURE_NAMES, MAX_HORIZON, MIN_HISTORY_DAYS, buildFeatures, featureRow } from '../../examples/demand-forecast/features.js';
import { generateVisitors, type VisitorData } from '../../examples/demand-forecast/generate.js';
import { SeededRandom } from '../../src/training/random.js';

const data = generateVisitors({ seed: 5, stores: 8, years: 2, endDate: '2025-06-01' });
const column = (name: string): number => FEATURE_NAMES.indexOf(name);

/** The same stores, with every day after `origin` replaced by other numbers. */
function rewriteAfter(source: VisitorData, origin: number, seed: number): VisitorData {
  const random = new SeededRandom(seed);
  const visitors = source.visitors.map((series) => series.map((v, i) => (i > origin ? Math.round(random.uniform(0, 3000)) : v)));
  return { ...source, visitors };
}

describe('demand-forecast features', () => {
  it('use nothing after the origin: rewriting later days changes the actuals only', () => {
    for (const origin of [MIN_HISTORY_DAYS - 1, 500, data.days - 30]) {
      const before = buildFeatures(data, [origin]);
      const after = buildFeatures(rewriteAfter(data, origin, origin), [origin]);
      expect(Array.from(after.x)).toEqual(Array.from(before.x));
      expect(Array.from(after.level)).toEqual(Array.from(before.level));
      expect(Array.from(after.seasonalNaive)).toEqual(Array.from(before.seasonalNaive));
      expect(Array.from(after.actual)).not.toEqual(Array.from(before.actual));
    }
  });

  it('describe every store × horizon 1..7 of each origin', () => {
    const origins = [450, 451];
    const set = buildFeatures(data, origins);
    expect(set.rows).toBe(origins.length * data.stores.length * MAX_HORIZON);
    expect(set.x).toHaveLength(set.rows * FEATURE_NAMES.length);
    for (let i = 0; i < set.rows; i++) {
      const row = featureRow(set, i);
      const target = (set.originDay[i] ?? 0) + (set.horizon[i] ?? 0);
      const series = data.visitors[set.store[i] ?? 0] as Float64Array;
      expect(row[column('horizon')]).toBe(set.horizon[i]);
      expect(set.actual[i]).toBe(series[target - data.firstDay]);
      // Seasonal naive is the same weekday a week before; lag_7 is it relative to the level.
      expect(set.seasonalNaive[i]).toBe(series[target - 7 - data.firstDay]);
      expect((row[column('lag_7')] ?? 0) * (set.level[i] ?? 0)).toBeCloseTo(set.seasonalNaive[i] ?? NaN, 6);
      expect(row[column(`weekday_${weekday(target)}`)]).toBe(1);
      expect(FEATURE_NAMES.filter((n) => /^weekday_\d$/.test(n)).reduce((s, n) => s + (row[column(n)] ?? 0), 0)).toBe(1);
      expect(row[column(`type_${data.stores[set.store[i] ?? 0]?.type}`)]).toBe(1);
      expect(Array.from(row).every(Number.isFinite)).toBe(true);
    }
  });

  it('flag holidays of the target day, and a holiday a week before it', () => {
    const goodFriday = parseDate('2025-04-18') - data.firstDay;
    const set = buildFeatures(data, [goodFriday - 1, goodFriday + 6]);
    const onHoliday = featureRow(set, 0); // store 0, horizon 1 = Good Friday
    expect(onHoliday[column('holiday_public')]).toBe(1);
    expect(onHoliday[column('days_to_holiday')]).toBe(3); // Easter Monday
    const weekLater = featureRow(set, data.stores.length * MAX_HORIZON); // second origin, store 0, horizon 1
    expect(weekLater[column('holiday_public')]).toBe(0);
    expect(weekLater[column('lag_7_holiday')]).toBe(1);
  });

  it('forecast beyond the data: actuals are NaN, features still complete', () => {
    const set = buildFeatures(data, [data.days - 1]);
    expect(Array.from(set.actual).every(Number.isNaN)).toBe(true);
    expect(Array.from(set.x).every(Number.isFinite)).toBe(true);
  });

  it('refuse origins without enough history', () => {
    expect(() => buildFeatures(data, [MIN_HISTORY_DAYS - 2])).toThrow(/needs 392 days of history/);
    expect(() => buildFeatures(data, [data.days])).toThrow(/within the \d+ days of data/);
  });
});
