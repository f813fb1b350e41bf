import { describe, expect, it } from 'vitest';
import { dayFromDate, dayOfYear, formatDate, weekday } from '../../examples/demand-forecast/calendar.js';
import { GENERATE_DEFAULTS, generateVisitors, type StoreType, type VisitorData } from '../../examples/demand-forecast/generate.js';

const small = { seed: 11, stores: 24, years: 2, endDate: '2025-06-01' };

/** Mean visitors over the days of one store type that satisfy `keep` (closed days left out). */
function meanOf(data: VisitorData, type: StoreType, keep: (day: number) => boolean): number {
  let sum = 0;
  let count = 0;
  data.stores.forEach((store, s) => {
    if (store.type !== type) return;
    const series = data.visitors[s] as Float64Array;
    series.forEach((v, i) => {
      if (v > 0 && keep(data.firstDay + i)) {
        sum += v / store.baseLevel;
        count++;
      }
    });
  });
  return sum / count;
}

describe('demand-forecast generator', () => {
  const data = generateVisitors(small);

  it('is deterministic for a seed, and another seed gives other data', () => {
    const again = generateVisitors(small);
    expect(again.stores).toEqual(data.stores);
    data.visitors.forEach((series, s) => expect(Array.from(again.visitors[s] ?? [])).toEqual(Array.from(series)));
    const other = generateVisitors({ ...small, seed: 12 });
    expect(Array.from(other.visitors[0] ?? [])).not.toEqual(Array.from(data.visitors[0] ?? []));
  });

  it('gives the same first stores when asked for fewer (each store has its own random stream)', () => {
    const fewer = generateVisitors({ ...small, stores: 5 });
    expect(fewer.stores).toEqual(data.stores.slice(0, 5));
    fewer.visitors.forEach((series, s) => expect(Array.from(series)).toEqual(Array.from(data.visitors[s] ?? [])));
  });

  it('by default: 120 stores of every type over 3 years of daily counts ending on the end date', () => {
    const full = generateVisitors(GENERATE_DEFAULTS);
    expect(full.stores).toHaveLength(120);
    expect(full.days).toBe(1096);
    expect(formatDate(full.firstDay + full.days - 1)).toBe(GENERATE_DEFAULTS.endDate);
    expect(new Set(full.stores.map((s) => s.type)).size).toBe(4);
    expect(new Set(full.stores.map((s) => s.id)).size).toBe(120);
    for (const series of full.visitors) {
      expect(series).toHaveLength(1096);
      expect(series.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
    }
  });

  it('has weekly seasonality that depends on the store type', () => {
    const byWeekday = (type: StoreType, wd: number): number => meanOf(data, type, (day) => weekday(day) === wd);
    // Offices: Tuesday far busier than Sunday; malls: Saturday busier than Monday.
    expect(byWeekday('downtown', 6)).toBeLessThan(0.5 * byWeekday('downtown', 1));
    expect(byWeekday('mall', 5)).toBeGreaterThan(1.4 * byWeekday('mall', 0));
    expect(byWeekday('station', 2) / byWeekday('station', 0)).toBeCloseTo(1, 0);
  });

  it('has yearly seasonality and holiday effects', () => {
    const inMonth = (month: number) => (day: number): boolean => new Date(day * 86_400_000).getUTCMonth() + 1 === month;
    // Offices empty around the start of August.
    const midSummer = (day: number): boolean => Math.abs(dayOfYear(day) - 213) <= 10;
    expect(meanOf(data, 'downtown', midSummer)).toBeLessThan(0.85 * meanOf(data, 'downtown', inMonth(3)));
    expect(meanOf(data, 'suburban', inMonth(7))).toBeGreaterThan(1.1 * meanOf(data, 'suburban', inMonth(1)));
    // Christmas day: malls (almost) shut; December before it busier than November.
    const christmas = dayFromDate(2024, 12, 25);
    data.stores.forEach((store, s) => {
      if (store.type === 'mall') expect(data.visitors[s]?.[christmas - data.firstDay]).toBeLessThan(0.2 * store.baseLevel);
    });
    const december = (day: number): boolean => day >= dayFromDate(2024, 12, 10) && day <= dayFromDate(2024, 12, 22);
    const november = (day: number): boolean => day >= dayFromDate(2024, 11, 4) && day <= dayFromDate(2024, 11, 16);
    expect(meanOf(data, 'mall', december)).toBeGreaterThan(1.15 * meanOf(data, 'mall', november));
  });

  it('rejects bad options with every problem named', () => {
    expect(() => generateVisitors({ seed: 1.5, stores: 0, years: 3, endDate: '2025-02-30' })).toThrow(
      /seed must be an integer.*stores must be an integer in 1\.\.10000.*endDate: "2025-02-30" is not a valid date/,
    );
  });
});
