/**
 * The reports' period as office calendar dates ("2026-12-03"), kept in the page's address so a
 * manager can send a link to exactly what they see. Pure calendar arithmetic: no zone, no clock.
 */
export interface Period {
  from: string;
  to: string;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date written YYYY-MM-DD (not 2026-02-30). */
export function isCalendarDate(s: string | null): s is string {
  const m = s === null ? null : ISO_DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

export const addDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Four weeks to today, unless the address says otherwise. */
export const DEFAULT_DAYS = 28;

export function readPeriod(search: string, today: string): Period {
  const q = new URLSearchParams(search);
  const to = isCalendarDate(q.get('to')) ? q.get('to')! : today;
  const from = isCalendarDate(q.get('from')) ? q.get('from')! : addDays(to, -(DEFAULT_DAYS - 1));
  return { from, to };
}

/** The page's query with the period in it, every other parameter kept. */
export function periodSearch(search: string, p: Period): string {
  const q = new URLSearchParams(search);
  q.set('from', p.from);
  q.set('to', p.to);
  return `?${q.toString()}`;
}

/** Every date of the period, first to last (none when it runs backwards). */
export function datesOf(p: Period): string[] {
  const out: string[] = [];
  for (let d = p.from; d <= p.to && out.length < 3700; d = addDays(d, 1)) out.push(d);
  return out;
}

/** The Monday starting the week of a date (Polish weeks begin on Monday). */
export function weekOf(date: string): string {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(date, -((day + 6) % 7));
}
