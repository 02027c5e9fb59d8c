import { z } from 'zod';
import { localParts, minutesOfDay, type Weekday } from '@okienko/protocol/time';

/**
 * Opening hours and days off (M5). Outside them a counter is `closed`, whatever the clerk does.
 * Polish public holidays are built in, the movable ones worked out from Easter.
 */

export const HhMm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:MM, e.g. "08:00"');
const Hours = z.tuple([HhMm, HhMm]).refine(([a, b]) => a < b, { message: 'opening must come before closing' }).nullable();

export const Schedule = z
  .object({
    hours: z
      // A day left out is a day closed: "mon" alone is an office open on Mondays.
      .object({ mon: Hours.default(null), tue: Hours.default(null), wed: Hours.default(null), thu: Hours.default(null), fri: Hours.default(null), sat: Hours.default(null), sun: Hours.default(null) })
      .strict(),
    /** Extra days off of this office, as YYYY-MM-DD. */
    closedOn: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD')).default([]),
    polishHolidays: z.boolean().default(true),
  })
  .strict();
export type Schedule = z.infer<typeof Schedule>;


/** Whether the office is open at this instant, in its time zone. */
export function isOpen(schedule: Schedule, now: number, timeZone: string): boolean {
  const { date, weekday, minutes: m } = localParts(now, timeZone);
  if (schedule.closedOn.includes(date)) return false;
  if (schedule.polishHolidays && polishHolidays(Number(date.slice(0, 4))).includes(date)) return false;
  const hours = schedule.hours[weekday as Weekday];
  return hours !== null && m >= minutesOfDay(hours[0]) && m < minutesOfDay(hours[1]);
}

/** Statutory days off in Poland (ustawa o dniach wolnych od pracy), as YYYY-MM-DD. */
export function polishHolidays(year: number): string[] {
  const easter = easterSunday(year);
  const plus = (days: number): string => new Date(easter + days * 86_400_000).toISOString().slice(0, 10);
  const fixed = ['01-01', '01-06', '05-01', '05-03', '08-15', '11-01', '11-11', '12-25', '12-26'];
  // Christmas Eve is a day off from 2025 on.
  if (year >= 2025) fixed.push('12-24');
  return [...fixed.map((d) => `${year}-${d}`), plus(0), plus(1), plus(49), plus(60)].sort();
}

/** Easter Sunday (Gregorian), as UTC midnight in ms: the anonymous Gregorian algorithm. */
function easterSunday(y: number): number {
  const a = y % 19;
  const b = Math.floor(y / 100);
  const c = y % 100;
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
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return Date.UTC(y, month - 1, day);
}
