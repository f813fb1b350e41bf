/**
 * Dates as whole days since 1970-01-01 (UTC): arithmetic on them is plain integer
 * arithmetic, and nothing depends on the machine's time zone. Also the fixed holiday
 * calendar that both the generator (which puts holiday effects into the data) and the
 * features (which tell the model about holidays of the days it forecasts) use: holidays
 * are known in advance, so using them for future days is not leakage.
 */

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Weekday of a day number, Monday = 0 … Sunday = 6 (1970-01-01 was a Thursday). */
export function weekday(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

export function dayFromDate(year: number, month: number, dayOfMonth: number): number {
  return Math.round(Date.UTC(year, month - 1, dayOfMonth) / MS_PER_DAY);
}

/** `YYYY-MM-DD` → day number; throws on anything else (including impossible dates like 2025-02-30). */
export function parseDate(text: string): number {
  const match = ISO_DATE.exec(text);
  if (!match) throw new Error(`"${text}" is not a date (use YYYY-MM-DD)`);
  const [year, month, dayOfMonth] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const day = dayFromDate(year, month, dayOfMonth);
  if (formatDate(day) !== text) throw new Error(`"${text}" is not a valid date`);
  return day;
}

export function formatDate(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export function yearOf(day: number): number {
  return new Date(day * MS_PER_DAY).getUTCFullYear();
}

/** 0-based day of the year (Jan 1 = 0). */
export function dayOfYear(day: number): number {
  return day - dayFromDate(yearOf(day), 1, 1);
}

/** Easter Sunday (Gregorian; the anonymous "Meeus/Jones/Butcher" algorithm). */
export function easter(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const dayOfMonth = ((h + l - 7 * m + 114) % 31) + 1;
  return dayFromDate(year, month, dayOfMonth);
}

/**
 * How a holiday changes footfall: `closed` days (most shops shut), `public` holidays (offices
 * shut, leisure busy) and `eve` days (shops open, short hours, busy in the morning).
 */
export type HolidayKind = 'closed' | 'public' | 'eve';
export const HOLIDAY_KINDS: readonly HolidayKind[] = ['closed', 'public', 'eve'];

export interface Holiday {
  readonly day: number;
  readonly name: string;
  readonly kind: HolidayKind;
}

/** The fixed calendar of one year, in date order. */
export function holidaysOf(year: number): Holiday[] {
  const e = easter(year);
  const list: Holiday[] = [
    { day: dayFromDate(year, 1, 1), name: 'new_year', kind: 'closed' },
    { day: e - 2, name: 'good_friday', kind: 'public' },
    { day: e + 1, name: 'easter_monday', kind: 'public' },
    { day: dayFromDate(year, 5, 1), name: 'labour_day', kind: 'public' },
    { day: e + 39, name: 'ascension', kind: 'public' },
    { day: e + 50, name: 'whit_monday', kind: 'public' },
    { day: dayFromDate(year, 10, 3), name: 'national_day', kind: 'public' },
    { day: dayFromDate(year, 12, 24), name: 'christmas_eve', kind: 'eve' },
    { day: dayFromDate(year, 12, 25), name: 'christmas', kind: 'closed' },
    { day: dayFromDate(year, 12, 26), name: 'boxing_day', kind: 'public' },
    { day: dayFromDate(year, 12, 31), name: 'new_years_eve', kind: 'eve' },
  ];
  return list.sort((a, b) => a.day - b.day);
}

/**
 * Holiday look-ups over a span of days (with a margin of a year each side, so that "days
 * to the next holiday" is right at the edges).
 */
export class HolidayCalendar {
  private readonly byDay = new Map<number, Holiday>();
  private readonly days: number[];

  constructor(firstDay: number, lastDay: number) {
    for (let year = yearOf(firstDay) - 1; year <= yearOf(lastDay) + 1; year++) {
      for (const holiday of holidaysOf(year)) this.byDay.set(holiday.day, holiday);
    }
    this.days = [...this.byDay.keys()].sort((a, b) => a - b);
  }

  holiday(day: number): Holiday | undefined {
    return this.byDay.get(day);
  }

  kind(day: number): HolidayKind | undefined {
    return this.byDay.get(day)?.kind;
  }

  /** Days until the next holiday strictly after `day`, capped at `cap`. */
  daysToNext(day: number, cap: number): number {
    for (let d = 1; d <= cap; d++) if (this.byDay.has(day + d)) return d;
    return cap;
  }

  /** Days since the last holiday strictly before `day`, capped at `cap`. */
  daysSincePrevious(day: number, cap: number): number {
    for (let d = 1; d <= cap; d++) if (this.byDay.has(day - d)) return d;
    return cap;
  }

  /** The latest holiday of `kind` on or before `day` (undefined if none in the calendar's span). */
  previousOfKind(day: number, kind: HolidayKind): number | undefined {
    for (let i = this.days.length - 1; i >= 0; i--) {
      const d = this.days[i] ?? Number.POSITIVE_INFINITY;
      if (d <= day && this.byDay.get(d)?.kind === kind) return d;
    }
    return undefined;
  }

  /** Every holiday day in [from, to]. */
  between(from: number, to: number): number[] {
    return this.days.filter((d) => d >= from && d <= to);
  }
}
