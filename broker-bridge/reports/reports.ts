import { DEFAULT_TIME_ZONE, localParts, startOfDay, type AvailabilityGroup, type AvailabilityRow, type CounterEvent, type CounterStatus, type CsvLang } from '@okienko/protocol';
import type { CounterRow, StoredEvent } from '../store/types.ts';

/**
 * Reports for managers (M1, M3, M7), pure over stored events: satisfaction by counter, clerk,
 * site, day or hour, and how counters spent their time. Days and hours are the office's.
 */
export type FeedbackGroup = 'counter' | 'clerk' | 'site' | 'day' | 'hour' | 'weekday_hour';

/** Monday first, as Polish calendars are: "1 mon 09:00" sorts Monday 9 o'clock before Tuesday. */
const WEEK_ORDER = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export interface FeedbackRow {
  group: string;
  votes: number;
  /** Votes per face, 1 = unhappiest. */
  faces: Record<string, number>;
  /** 0 (every vote the unhappiest face) … 100 (every vote the happiest), on each vote's own scale. */
  score: number | null;
}

export function feedbackReport(events: readonly StoredEvent[], groupBy: FeedbackGroup, timeZone: string, includeFlagged = false): FeedbackRow[] {
  const rows = new Map<string, { votes: number; faces: Record<string, number>; sum: number }>();
  for (const { event: e, effectiveAt } of events) {
    if (e.type !== 'feedback' || (e.flagged && !includeFlagged)) continue;
    const local = localParts(effectiveAt, timeZone);
    const group =
      groupBy === 'counter' ? `${e.site}/${e.counter}`
      : groupBy === 'site' ? e.site
      : groupBy === 'clerk' ? (e.clerk?.name ?? '(nikt nie zalogowany)')
      : groupBy === 'day' ? local.date
      : groupBy === 'weekday_hour' ? `${WEEK_ORDER.indexOf(local.weekday) + 1} ${local.weekday} ${String(Math.floor(local.minutes / 60)).padStart(2, '0')}:00`
      : `${String(Math.floor(local.minutes / 60)).padStart(2, '0')}:00`;
    const row = rows.get(group) ?? { votes: 0, faces: {}, sum: 0 };
    row.votes += 1;
    row.faces[String(e.face)] = (row.faces[String(e.face)] ?? 0) + 1;
    row.sum += (e.face - 1) / (e.scale - 1);
    rows.set(group, row);
  }
  return [...rows]
    .sort(([a], [b]) => a.localeCompare(b, 'pl', { numeric: true }))
    .map(([group, r]) => ({ group, votes: r.votes, faces: r.faces, score: r.votes ? Math.round((r.sum / r.votes) * 1000) / 10 : null }));
}

/** A row of the availability report: the protocol's (one definition for the API and the dashboard). */
export type { AvailabilityRow, AvailabilityGroup };

type StateChange = StoredEvent & { event: Extract<CounterEvent, { type: 'state_changed' }> };

/** A stretch of one counter's time in one state. */
interface Stretch {
  site: string;
  counter: string;
  status: CounterStatus;
  clerk: string | null;
  start: number;
}

const NOBODY = '(nikt nie zalogowany)';

/**
 * Time in each state per counter, clerk, site or day (the office's), and clients served. Every
 * counter known (`counters`, the store's rows) is counted for the whole period: its state at
 * `from` is the one its last change before `from` left (give those with the period's changes:
 * Store.lastStateChanges), each change in the period starts the next state, and the last lasts
 * to `to`. A counter with no stored change at all is in its row's state since the row's `since`;
 * one whose first change falls in the period was, before it, in the state that change left,
 * since the bridge first heard of it (`firstSeen`). Time before a counter existed is not
 * invented: so each counter's states add up to the period, or to the part of it it existed.
 *
 * Time a counter is closed — outside its hours or closed by a manager — is shown but not held
 * against anyone. Days are the office's (`timeZone`), 23 or 25 hours long when the clocks change.
 */
export function availabilityReport(
  events: readonly StoredEvent[],
  from: number,
  to: number,
  groupBy: AvailabilityGroup,
  opts: { counters?: readonly CounterRow[] | undefined; timeZone?: string | undefined } = {},
): AvailabilityRow[] {
  const timeZone = opts.timeZone ?? DEFAULT_TIME_ZONE;
  const byCounter = new Map<string, StateChange[]>();
  for (const s of events) {
    if (s.event.type !== 'state_changed') continue;
    const k = `${s.event.site}/${s.event.counter}`;
    let list = byCounter.get(k);
    if (!list) byCounter.set(k, (list = []));
    list.push(s as StateChange);
  }
  const rowsOf = new Map((opts.counters ?? []).map((r) => [`${r.site}/${r.counter}`, r]));

  const rows = new Map<string, AvailabilityRow>();
  const row = (group: string): AvailabilityRow => {
    let r = rows.get(group);
    if (!r) rows.set(group, (r = { group, ms: { available: 0, serving: 0, away: 0, closed: 0 }, staffedPercent: null, sessions: 0 }));
    return r;
  };
  const groupOf = (site: string, counter: string, clerk: string | null, at: number): string =>
    groupBy === 'counter' ? `${site}/${counter}` : groupBy === 'site' ? site : groupBy === 'clerk' ? (clerk ?? NOBODY) : localParts(at, timeZone).date;
  /** A stretch ends: its time goes to its group (split at the office's midnights by day). */
  const add = (s: Stretch, end: number): void => {
    let start = Math.max(from, s.start);
    end = Math.min(to, end);
    while (start < end) {
      const until = groupBy === 'day' ? Math.min(end, nextMidnight(start, timeZone)) : end;
      row(groupOf(s.site, s.counter, s.clerk, start)).ms[s.status] += until - start;
      start = until;
    }
  };

  // Every counter known has its row, and every site and day of the period, even with no time in them.
  const known = new Set([...rowsOf.keys(), ...byCounter.keys()]);
  for (const k of known) {
    const [site, counter] = k.split('/') as [string, string];
    if (groupBy === 'counter' || groupBy === 'site') row(groupOf(site, counter, null, from));
  }
  if (groupBy === 'day') for (let d = startOfDay(from, timeZone); d < to; d = nextMidnight(d, timeZone)) row(localParts(d, timeZone).date);

  for (const k of known) {
    const list = (byCounter.get(k) ?? []).sort((a, b) => a.effectiveAt - b.effectiveAt || a.event.seq - b.event.seq);
    const r = rowsOf.get(k);
    const firstIn = list.findIndex((c) => c.effectiveAt >= from);
    const prior = firstIn === -1 ? list[list.length - 1] : list[firstIn - 1];
    const within = firstIn === -1 ? [] : list.slice(firstIn).filter((c) => c.effectiveAt < to);
    let stretch: Stretch | null = null;
    if (prior) {
      stretch = { site: prior.event.site, counter: prior.event.counter, status: prior.event.to, clerk: prior.event.clerk?.name ?? null, start: from };
    } else if (within.length > 0) {
      const first = within[0]!;
      if (r?.firstSeen !== undefined && r.firstSeen < first.effectiveAt) {
        stretch = { site: r.site, counter: r.counter, status: first.event.from, clerk: first.event.clerk?.name ?? null, start: r.firstSeen };
      }
    } else if (r && r.since !== null && r.since < to && list.length === 0) {
      stretch = { site: r.site, counter: r.counter, status: r.status, clerk: r.clerk?.name ?? null, start: r.since };
    }
    for (const c of within) {
      if (stretch) add(stretch, c.effectiveAt);
      const e = c.event;
      stretch = { site: e.site, counter: e.counter, status: e.to, clerk: e.clerk?.name ?? null, start: c.effectiveAt };
      if (e.to === 'serving') row(groupOf(e.site, e.counter, stretch.clerk, c.effectiveAt)).sessions += 1;
    }
    if (stretch) add(stretch, to);
  }
  for (const r of rows.values()) {
    const open = r.ms.available + r.ms.serving + r.ms.away;
    r.staffedPercent = open ? Math.round(((r.ms.available + r.ms.serving) / open) * 1000) / 10 : null;
  }
  return [...rows.values()].sort((a, b) => a.group.localeCompare(b.group, 'pl', { numeric: true }));
}

/** The office's next midnight after `at` (a day is 23, 24 or 25 hours long). */
function nextMidnight(at: number, timeZone: string): number {
  return startOfDay(startOfDay(at, timeZone) + 36 * 3_600_000, timeZone);
}

/** RFC 4180 CSV (what spreadsheets open), UTF-8 with a BOM so Excel shows Polish letters. */
/**
 * A CSV file as the reader's spreadsheet opens it: Polish Excel splits on `;` and reads `87,5`
 * as a number (`pl`); English on `,` with `87.5` (`en`). A BOM so Excel reads UTF-8.
 */
/**
 * The columns' names as a Polish office's spreadsheet shows them; English keeps the codes scripts
 * read (`lang=en`). A face column is "ocena N".
 */
const PL_COLUMNS: Record<string, string> = {
  counter: 'stanowisko', clerk: 'urzędnik', site: 'biuro', day: 'dzień', hour: 'godzina', weekday_hour: 'dzień tygodnia i godzina',
  votes: 'oceny', score: 'wynik (0-100)', available_min: 'wolne (min)', serving_min: 'obsługa (min)', away_min: 'nieobecność (min)',
  closed_min: 'zamknięte (min)', staffed_percent: 'obsadzone (%)', clients_served: 'obsłużeni klienci', raised_at: 'zgłoszono',
  kind: 'rodzaj', message: 'opis', cleared_at: 'ustało', acked_at: 'potwierdzono', acked_by: 'potwierdził(a)', comment: 'komentarz',
};
const columnName = (key: string, lang: CsvLang): string => (lang === 'en' ? key : (PL_COLUMNS[key] ?? key.replace(/^face_(\d)$/, 'ocena $1')));

export function toCsv(header: string[], rows: (string | number | null)[][], lang: CsvLang = 'en'): string {
  header = header.map((h) => columnName(h, lang));
  const sep = lang === 'pl' ? ';' : ',';
  const cell = (v: string | number | null): string => {
    const s = v === null ? '' : typeof v === 'number' && lang === 'pl' ? String(v).replace('.', ',') : String(v);
    return s.includes(sep) || /["\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `\uFEFF${[header, ...rows].map((r) => r.map(cell).join(sep)).join('\r\n')}\r\n`;
}

/** An instant as the office's clock showed it, as each language's spreadsheet reads a date: 03.12.2026 08:07 or 2026-12-03 08:07. */
export function csvTime(ms: number | null, timeZone: string, lang: CsvLang): string | null {
  if (ms === null) return null;
  const { date, minutes } = localParts(ms, timeZone);
  const hm = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  const [y, m, d] = date.split('-');
  return lang === 'pl' ? `${d}.${m}.${y} ${hm}` : `${date} ${hm}`;
}

/** The faces a report's columns show: up to the largest scale its votes were cast on (four when none were). */
export function faceColumns(events: readonly StoredEvent[]): string[] {
  let scale = 0;
  for (const { event: e } of events) if (e.type === 'feedback') scale = Math.max(scale, e.scale);
  return Array.from({ length: scale || 4 }, (_, i) => String(i + 1));
}
