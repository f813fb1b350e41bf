import { describe, expect, it } from 'vitest';
import { HolidayCalendar, dayFromDate, dayOfYear, easter, formatDate, holidaysOf, parseDate, weekday } from '../../examples/demand-forecast/calendar.js';

describe('demand-forecast calendar', () => {
  it('computes weekdays, dates and days of the year in UTC', () => {
    expect(weekday(parseDate('2025-06-01'))).toBe(6); // a Sunday
    expect(weekday(parseDate('2024-01-01'))).toBe(0); // a Monday
    expect(formatDate(dayFromDate(2024, 2, 29))).toBe('2024-02-29');
    expect(dayOfYear(parseDate('2024-12-31'))).toBe(365);
    expect(() => parseDate('2025-13-01')).toThrow(/not a valid date/);
    expect(() => parseDate('1/2/2025')).toThrow(/not a date/);
  });

  it('knows Easter and the holidays that move with it', () => {
    expect(formatDate(easter(2024))).toBe('2024-03-31');
    expect(formatDate(easter(2025))).toBe('2025-04-20');
    const names = Object.fromEntries(holidaysOf(2025).map((h) => [h.name, formatDate(h.day)]));
    expect(names).toMatchObject({ good_friday: '2025-04-18', easter_monday: '2025-04-21', ascension: '2025-05-29', whit_monday: '2025-06-09', christmas: '2025-12-25' });
  });

  it('answers distances to holidays', () => {
    const calendar = new HolidayCalendar(parseDate('2025-01-01'), parseDate('2025-12-31'));
    expect(calendar.kind(parseDate('2025-12-25'))).toBe('closed');
    expect(calendar.daysToNext(parseDate('2025-04-15'), 14)).toBe(3);
    expect(calendar.daysSincePrevious(parseDate('2025-04-15'), 14)).toBe(14); // capped
    expect(formatDate(calendar.previousOfKind(parseDate('2025-04-15'), 'closed') ?? 0)).toBe('2025-01-01');
  });
});
