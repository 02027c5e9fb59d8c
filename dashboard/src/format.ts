import { DEFAULT_TIME_ZONE, localParts, startOfDay } from '@okienko/protocol/time';
import type { Office } from '@okienko/protocol/api';

/**
 * Times as the office keeps them: every clock and date on every page is in the office's zone
 * (from the bridge), so a manager on a laptop set to another zone still sees office hours.
 */
let zone = DEFAULT_TIME_ZONE;
let demo: Office['demo'] = null;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Ask the bridge for the office's zone (and whether its data is the demo's); each page awaits this before it draws. */
export async function loadOffice(): Promise<void> {
  try {
    const office = (await (await fetch('/api/public/office')).json()) as Office;
    zone = office.timeZone;
    demo = office.demo ?? null;
    formatters.clear();
  } catch {
    // an older bridge or a blip: the default zone (Poland's) is right for every office so far
  }
}

/** An instant formatted in the office's zone; formatters are built once (they are costly). */
export function formatInOffice(ms: number, locale: string, options: Intl.DateTimeFormatOptions): string {
  const key = `${locale} ${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { ...options, timeZone: zone });
    formatters.set(key, f);
  }
  return f.format(ms);
}

/** "10:45" in the office's zone (the same in Polish and English). */
export const hhmm = (ms: number): string => formatInOffice(ms, 'pl-PL', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** The office's calendar date ("2026-11-22") at an instant. */
export const officeDate = (ms: number): string => localParts(ms, zone).date;

/** The instant the office's calendar day `isoDate` began (its midnight, DST included). */
export const officeMidnight = (isoDate: string): number => startOfDay(Date.parse(`${isoDate}T12:00:00Z`), zone);

/**
 * Whole office days from the first to the last date (as a date picker gives them), as ISO
 * instants: from the office's midnight starting the first to the one ending the last, whatever
 * zone the browser is in (a day of a DST switch has 23 or 25 hours: the next date is found, not added).
 */
export function officePeriod(fromDate: string, toDate: string): { from: string; to: string } {
  const nextDate = officeDate(officeMidnight(toDate) + 27 * 3_600_000);
  return { from: new Date(officeMidnight(fromDate)).toISOString(), to: new Date(officeMidnight(nextDate)).toISOString() };
}

/** Set while the bridge's store holds the demo's made-up history: since when. */
export const officeDemo = (): Office['demo'] => demo;
