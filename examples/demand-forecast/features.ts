/**
 * Forecast-origin features for direct multi-horizon forecasting: standing at the end of
 * `origin` (the last day whose visitors are known), describe target day `origin + horizon`
 * (horizon 1..7). Every feature reads visitors at or before the origin only; calendar
 * features of the target day come from the fixed holiday calendar, which is known ahead.
 *
 * Visitor features are ratios to the store's level (its mean over the 28 days up to the
 * origin), and so is the target: one model then serves stores of every size, and the
 * forecast is `prediction × level`.
 */
import { seasonalNaive } from './baseline.js';
import { HOLIDAY_KINDS, HolidayCalendar, dayOfYear, weekday, type HolidayKind } from './calendar.js';
import { STORE_TYPES, type VisitorData } from './generate.js';

export const MAX_HORIZON = 7;
/** Days of the level window. */
const LEVEL_DAYS = 28;
/** Weeks of history the store's weekday profile averages over (a year). */
const PROFILE_WEEKS = 52;
/** An origin needs a year plus a level window of history (last year's seasonal change). */
export const MIN_HISTORY_DAYS = 364 + LEVEL_DAYS;
const HOLIDAY_DISTANCE_CAP = 14;

export const FEATURE_NAMES: readonly string[] = [
  'horizon',
  'log_level',
  'lag_7',
  'lag_14',
  'lag_21',
  'lag_28',
  'same_weekday_mean',
  'last_7_mean',
  'last_day_vs_profile',
  'weekday_profile',
  'last_year_change',
  ...Array.from({ length: 7 }, (_, i) => `weekday_${i}`),
  'year_sin_1',
  'year_cos_1',
  'year_sin_2',
  'year_cos_2',
  ...HOLIDAY_KINDS.map((k) => `holiday_${k}`),
  'day_before_holiday',
  'days_to_holiday',
  'days_since_holiday',
  'last_holiday_effect',
  'lag_7_holiday',
  'lag_7_closed',
  ...STORE_TYPES.map((t) => `type_${t}`),
];

/** Rows of features (row-major) with what evaluation and forecasting need beside them. */
export interface FeatureSet {
  readonly names: readonly string[];
  readonly rows: number;
  /** rows × names.length, row-major. */
  readonly x: Float64Array;
  /** Store index (into data.stores) of each row. */
  readonly store: Int32Array;
  readonly originDay: Int32Array;
  readonly horizon: Int32Array;
  /** The store's level at the origin: prediction × level = visitors. */
  readonly level: Float64Array;
  /** Visitors on the target day; NaN when the target lies beyond the data (a real forecast). */
  readonly actual: Float64Array;
  /** The seasonal-naive forecast: visitors on the same weekday one week before the target. */
  readonly seasonalNaive: Float64Array;
}

/** A feature set over the matrix `x` (rows × names.length), its per-row columns zero, for the caller to fill. */
export function newFeatureSet(names: readonly string[], rows: number, x: Float64Array): FeatureSet {
  return {
    names,
    rows,
    x,
    store: new Int32Array(rows),
    originDay: new Int32Array(rows),
    horizon: new Int32Array(rows),
    level: new Float64Array(rows),
    actual: new Float64Array(rows),
    seasonalNaive: new Float64Array(rows),
  };
}

/** Per-store running sums, so that every window mean is O(1). */
interface StoreSums {
  /** prefix[i] = sum of visitors on days [0, i). */
  readonly prefix: Float64Array;
  /** sameWeekday[i] = visitors on day i + day i-7 + day i-14 + … (back to the start). */
  readonly sameWeekday: Float64Array;
}

/**
 * Features for every (store, origin, horizon) of the given origins (day indexes into the data:
 * 0 = data.firstDay). Horizons run 1..MAX_HORIZON; targets after the data's end get NaN actuals.
 */
export function buildFeatures(data: VisitorData, origins: readonly number[]): FeatureSet {
  for (const origin of origins) {
    if (!Number.isInteger(origin) || origin < MIN_HISTORY_DAYS - 1 || origin >= data.days) {
      throw new Error(`origin index ${origin} needs ${MIN_HISTORY_DAYS} days of history and must lie within the ${data.days} days of data`);
    }
  }
  const width = FEATURE_NAMES.length;
  const rows = origins.length * data.stores.length * MAX_HORIZON;
  const calendar = new HolidayCalendar(data.firstDay, data.firstDay + data.days + MAX_HORIZON);
  const sums = data.visitors.map(storeSums);
  const set = newFeatureSet(FEATURE_NAMES, rows, new Float64Array(rows * width));
  let row = 0;
  for (const origin of origins) {
    for (let s = 0; s < data.stores.length; s++) {
      const y = data.visitors[s] as Float64Array;
      const sum = sums[s] as StoreSums;
      const typeIndex = STORE_TYPES.indexOf(data.stores[s]?.type ?? 'mall');
      for (let h = 1; h <= MAX_HORIZON; h++) {
        writeRow(set, row, { y, sum, origin, horizon: h, firstDay: data.firstDay, calendar, typeIndex });
        set.store[row] = s;
        set.originDay[row] = data.firstDay + origin;
        set.horizon[row] = h;
        row++;
      }
    }
  }
  return set;
}

interface RowInput {
  readonly y: Float64Array;
  readonly sum: StoreSums;
  readonly origin: number;
  readonly horizon: number;
  readonly firstDay: number;
  readonly calendar: HolidayCalendar;
  readonly typeIndex: number;
}

function writeRow(set: FeatureSet, row: number, input: RowInput): void {
  const { y, sum, origin, horizon, firstDay, calendar, typeIndex } = input;
  const target = origin + horizon;
  const targetDay = firstDay + target;
  const level = Math.max(1, windowMean(sum, origin - LEVEL_DAYS + 1, origin));
  // Visitors `weeks` weeks before the target, relative to the level: at or before the origin because
  // horizons stop at MAX_HORIZON = 7 (a longer horizon would need lags of more weeks).
  const lag = (weeks: number): number => (y[target - 7 * weeks] ?? 0) / level;
  const lags = [lag(1), lag(2), lag(3), lag(4)];
  const profile = weekdayProfile(sum, origin, target);
  const originProfile = weekdayProfile(sum, origin, origin);
  const lastYearLevel = Math.max(1, windowMean(sum, origin - 364 - LEVEL_DAYS + 1, origin - 364));
  const lastYearAround = windowMean(sum, target - 364 - 3, Math.min(target - 364 + 3, origin));
  const doy = (2 * Math.PI * dayOfYear(targetDay)) / 365.25;
  const kind = calendar.kind(targetDay);
  const nextKind = calendar.kind(targetDay + 1);

  const values: number[] = [
    horizon,
    Math.log(level),
    ...lags,
    lags.reduce((a, b) => a + b, 0) / lags.length,
    windowMean(sum, origin - 6, origin) / level,
    (y[origin] ?? 0) / (level * Math.max(0.05, originProfile)),
    profile,
    lastYearAround / lastYearLevel,
    ...Array.from({ length: 7 }, (_, i) => (weekday(targetDay) === i ? 1 : 0)),
    Math.sin(doy),
    Math.cos(doy),
    Math.sin(2 * doy),
    Math.cos(2 * doy),
    ...HOLIDAY_KINDS.map((k) => (kind === k ? 1 : 0)),
    kind === undefined && (nextKind === 'public' || nextKind === 'closed') ? 1 : 0,
    calendar.daysToNext(targetDay, HOLIDAY_DISTANCE_CAP),
    calendar.daysSincePrevious(targetDay, HOLIDAY_DISTANCE_CAP),
    kind === undefined ? 1 : lastHolidayEffect(y, calendar, kind, firstDay, origin),
    calendar.kind(targetDay - 7) === undefined ? 0 : 1,
    (y[target - 7] ?? 0) === 0 ? 1 : 0,
    ...STORE_TYPES.map((_, t) => (t === typeIndex ? 1 : 0)),
  ];
  set.x.set(values, row * FEATURE_NAMES.length);
  set.level[row] = level;
  set.actual[row] = target < y.length ? (y[target] ?? Number.NaN) : Number.NaN;
  set.seasonalNaive[row] = seasonalNaive(y, target);
}

function storeSums(y: Float64Array): StoreSums {
  const prefix = new Float64Array(y.length + 1);
  const sameWeekday = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const v = y[i] ?? 0;
    prefix[i + 1] = (prefix[i] ?? 0) + v;
    sameWeekday[i] = v + (i >= 7 ? (sameWeekday[i - 7] ?? 0) : 0);
  }
  return { prefix, sameWeekday };
}

/** Mean visitors over days [from, to] (inclusive; from ≥ 0). */
function windowMean(sum: StoreSums, from: number, to: number): number {
  return ((sum.prefix[to + 1] ?? 0) - (sum.prefix[from] ?? 0)) / (to - from + 1);
}

/**
 * How busy the target's weekday is for this store: the mean over the last 52 same weekdays up
 * to the origin, relative to the mean of all days in those 52 weeks.
 */
function weekdayProfile(sum: StoreSums, origin: number, target: number): number {
  // The latest day at or before the origin with the target's weekday.
  const last = target - 7 * Math.ceil((target - origin) / 7);
  const before = last - 7 * PROFILE_WEEKS;
  const sameDays = (sum.sameWeekday[last] ?? 0) - (before >= 0 ? (sum.sameWeekday[before] ?? 0) : 0);
  const allDays = windowMean(sum, origin - 7 * PROFILE_WEEKS + 1, origin);
  return allDays <= 0 ? 1 : sameDays / PROFILE_WEEKS / allDays;
}

/**
 * The store's own holiday effect, learnt from its history at the origin: visitors on the most
 * recent holiday of the same kind, relative to the mean of the four same weekdays before it.
 * (1 when there is no such holiday in the history.)
 */
function lastHolidayEffect(y: Float64Array, calendar: HolidayCalendar, kind: HolidayKind, firstDay: number, origin: number): number {
  const day = calendar.previousOfKind(firstDay + origin, kind);
  const i = day === undefined ? -1 : day - firstDay;
  if (i < 28) return 1;
  const normal = ((y[i - 7] ?? 0) + (y[i - 14] ?? 0) + (y[i - 21] ?? 0) + (y[i - 28] ?? 0)) / 4;
  return (y[i] ?? 0) / Math.max(1, normal);
}

/** The row's feature vector (a view, no copy). */
export function featureRow(set: FeatureSet, row: number): Float64Array {
  return set.x.subarray(row * set.names.length, (row + 1) * set.names.length);
}
