/**
 * A seeded synthetic generator of daily store visitors. Realistic enough that forecasting is
 * not trivial: each store has its own level, growth, weekly profile (shaped by its type) and
 * noise; there is yearly seasonality, a fixed holiday calendar with effects on and around the
 * holidays, regional weather that persists for a few days, permanent level shifts (a competitor
 * opens), renovations and one-off closures, and count noise on top.
 *
 * Every store draws from its own random stream (seed, store index), and every region's weather
 * from its own: asking for fewer stores gives the same first stores, and the output is a pure
 * function of the options.
 */
import { SeededRandom } from '../../src/training/random.js';
import { HolidayCalendar, dayFromDate, dayOfYear, parseDate, weekday, type HolidayKind } from './calendar.js';

export const STORE_TYPES = ['mall', 'downtown', 'suburban', 'station'] as const;
export type StoreType = (typeof STORE_TYPES)[number];
export const REGIONS = ['north', 'south', 'east', 'west', 'central'] as const;

export interface Store {
  readonly id: string;
  readonly type: StoreType;
  readonly region: string;
  /** Typical visitors on an ordinary day when the data starts (before trend and seasonality). */
  readonly baseLevel: number;
}

/** Daily visitors of every store over consecutive days. */
export interface VisitorData {
  /** Day number (days since 1970-01-01) of the first day. */
  readonly firstDay: number;
  readonly days: number;
  readonly stores: readonly Store[];
  /** One series per store (same order as `stores`), `days` long; 0 on days a store was closed. */
  readonly visitors: readonly Float64Array[];
}

export interface GenerateOptions {
  readonly seed: number;
  readonly stores: number;
  readonly years: number;
  /** Last day of the data (YYYY-MM-DD). */
  readonly endDate: string;
}

export const GENERATE_DEFAULTS: GenerateOptions = { seed: 7, stores: 120, years: 3, endDate: '2025-06-01' };

/** Mean visitors by weekday (Monday first) relative to the week's mean, by store type. */
const WEEKLY: Record<StoreType, readonly number[]> = {
  mall: [0.8, 0.8, 0.85, 0.9, 1.1, 1.5, 1.05],
  downtown: [1.15, 1.2, 1.2, 1.15, 1.1, 0.6, 0.35],
  suburban: [0.85, 0.85, 0.9, 0.95, 1.1, 1.35, 1.2],
  station: [1.05, 1.05, 1.05, 1.05, 1.1, 0.85, 0.8],
};

/** Multiplier on a holiday of each kind. */
const ON_HOLIDAY: Record<StoreType, Record<HolidayKind, number>> = {
  mall: { closed: 0.04, public: 1.3, eve: 0.75 },
  downtown: { closed: 0.03, public: 0.3, eve: 0.4 },
  suburban: { closed: 0.15, public: 1.45, eve: 0.7 },
  station: { closed: 0.35, public: 0.75, eve: 0.8 },
};

/** The ordinary day before a holiday (people shop ahead, offices empty early). */
const DAY_BEFORE: Record<StoreType, number> = { mall: 1.2, downtown: 0.92, suburban: 1.12, station: 1.05 };
/** A working day squeezed between a holiday and the weekend ("bridge day"): many take it off. */
const BRIDGE_DAY: Record<StoreType, number> = { mall: 1.1, downtown: 0.6, suburban: 1.15, station: 0.85 };
/** How strongly the regional weather moves footfall (outdoor-ish, family trips vs commuting). */
const WEATHER_SENSITIVITY: Record<StoreType, number> = { mall: 0.6, downtown: 0.3, suburban: 1, station: 0.5 };
const BASE_LEVEL: Record<StoreType, number> = { mall: 450, downtown: 300, suburban: 250, station: 600 };

const CLOSURE_PROBABILITY = 0.0015;

export function generateVisitors(options: GenerateOptions): VisitorData {
  validate(options);
  const lastDay = parseDate(options.endDate);
  const days = Math.round(options.years * 365.25);
  const firstDay = lastDay - days + 1;
  const calendar = new HolidayCalendar(firstDay, lastDay);
  const weather = REGIONS.map((_, r) => regionalWeather(new SeededRandom(mix(options.seed, 1_000_003 + r)), days));
  const stores: Store[] = [];
  const visitors: Float64Array[] = [];
  for (let s = 0; s < options.stores; s++) {
    const random = new SeededRandom(mix(options.seed, s));
    const type = STORE_TYPES[Math.floor(random.next() * STORE_TYPES.length)] ?? 'mall';
    const regionIndex = Math.floor(random.next() * REGIONS.length);
    const store: Store = {
      id: `S${String(s + 1).padStart(3, '0')}`,
      type,
      region: REGIONS[regionIndex] ?? 'north',
      baseLevel: Math.round(BASE_LEVEL[type] * Math.exp(random.normal(0, 0.5))),
    };
    stores.push(store);
    visitors.push(storeSeries(store, random, weather[regionIndex] ?? new Float64Array(days), calendar, firstDay, days));
  }
  return { firstDay, days, stores, visitors };
}

function storeSeries(store: Store, random: SeededRandom, weather: Float64Array, calendar: HolidayCalendar, firstDay: number, days: number): Float64Array {
  const weekly = perturbedWeekly(WEEKLY[store.type], random);
  const growthPerYear = random.normal(0.02, 0.07);
  const seasonalStrength = Math.exp(random.normal(0, 0.25));
  const noiseStd = random.uniform(0.06, 0.13);
  const shift = random.next() < 0.2 ? { day: Math.floor(random.uniform(60, days - 60)), factor: Math.exp(random.normal(0, 0.2)) } : undefined;
  const renovation = random.next() < 0.1 ? { from: Math.floor(random.uniform(30, days - 30)), length: 3 + Math.floor(random.next() * 12) } : undefined;
  const sensitivity = WEATHER_SENSITIVITY[store.type];

  const out = new Float64Array(days);
  let ar = 0;
  for (let i = 0; i < days; i++) {
    const day = firstDay + i;
    ar = 0.6 * ar + random.normal(0, 0.05);
    const iid = random.normal(0, noiseStd);
    const countNoise = random.normal();
    const closedToday = random.next() < CLOSURE_PROBABILITY;
    if (closedToday || (renovation && i >= renovation.from && i < renovation.from + renovation.length)) continue;

    let mean = store.baseLevel * Math.exp((growthPerYear * i) / 365.25);
    if (shift && i >= shift.day) mean *= shift.factor;
    mean *= weekly[weekday(day)] ?? 1;
    mean *= 1 + seasonalStrength * (yearly(store.type, day) - 1);
    mean *= holidayEffect(store.type, day, calendar);
    mean *= Math.exp(ar + iid + sensitivity * (weather[i] ?? 0));
    // Counts: Poisson-like noise (normal approximation), never negative.
    out[i] = Math.max(0, Math.round(mean + Math.sqrt(mean) * countNoise));
  }
  return out;
}

/** The type's weekly profile with store-specific deviations, rescaled to mean 1. */
function perturbedWeekly(profile: readonly number[], random: SeededRandom): number[] {
  const raw = profile.map((v) => v * Math.exp(random.normal(0, 0.06)));
  const mean = raw.reduce((s, v) => s + v, 0) / raw.length;
  return raw.map((v) => v / mean);
}

/** Yearly seasonality multiplier of a store type on a day (1 = an average day). */
export function yearly(type: StoreType, day: number): number {
  const doy = dayOfYear(day);
  const summer = (width: number): number => Math.exp(-(((doy - 213) / width) ** 2) / 2);
  const cycle = (peakDoy: number): number => Math.cos((2 * Math.PI * (doy - peakDoy)) / 365.25);
  switch (type) {
    case 'mall': {
      const dec = dayFromDate(new Date(day * 86_400_000).getUTCFullYear(), 12, 1);
      // Christmas shopping builds through December up to the 23rd; January sales after New Year.
      const christmas = day >= dec && day <= dec + 22 ? 0.5 * ((day - dec + 1) / 23) ** 1.5 : 0;
      const sales = doy >= 1 && doy <= 14 ? 0.12 : 0;
      return 1 + 0.05 * cycle(15) - 0.08 * summer(20) + christmas + sales;
    }
    case 'downtown':
      // Offices empty in the summer holidays and between Christmas and New Year.
      return 1 - 0.25 * summer(16) - (doy >= 359 || doy <= 4 ? 0.2 : 0);
    case 'suburban':
      return 1 + 0.12 * cycle(190);
    case 'station':
      return 1 + 0.04 * cycle(30) - 0.12 * summer(18);
  }
}

/** Multiplier of the holiday calendar on a day: the holiday itself, the day before, bridge days. */
export function holidayEffect(type: StoreType, day: number, calendar: HolidayCalendar): number {
  const kind = calendar.kind(day);
  if (kind) return ON_HOLIDAY[type][kind];
  const next = calendar.kind(day + 1);
  if (next === 'public' || next === 'closed') return DAY_BEFORE[type];
  const wd = weekday(day);
  // A Friday after a Thursday holiday, or a Monday before a Tuesday holiday.
  if ((wd === 4 && calendar.kind(day - 1) !== undefined) || (wd === 0 && calendar.kind(day + 1) !== undefined)) return BRIDGE_DAY[type];
  return 1;
}

/** Log-multiplier of the weather of one region: persists for a few days (AR(1)). */
function regionalWeather(random: SeededRandom, days: number): Float64Array {
  const out = new Float64Array(days);
  let state = 0;
  for (let i = 0; i < days; i++) {
    state = 0.5 * state + random.normal(0, 0.06);
    out[i] = state;
  }
  return out;
}

/** A 32-bit seed from the pipeline seed and a stream number (so streams do not overlap). */
function mix(seed: number, stream: number): number {
  let h = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(stream + 1, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  return (h ^ (h >>> 15)) >>> 0;
}

function validate(options: GenerateOptions): void {
  const problems: string[] = [];
  if (!Number.isInteger(options.seed)) problems.push(`seed must be an integer (got ${options.seed})`);
  if (!Number.isInteger(options.stores) || options.stores < 1 || options.stores > 10_000) problems.push(`stores must be an integer in 1..10000 (got ${options.stores})`);
  if (!(options.years >= 0.5 && options.years <= 20)) problems.push(`years must be in 0.5..20 (got ${options.years})`);
  try {
    parseDate(options.endDate);
  } catch (err) {
    problems.push(`endDate: ${(err as Error).message}`);
  }
  if (problems.length > 0) throw new Error(`invalid generator options: ${problems.join('; ')}`);
}
