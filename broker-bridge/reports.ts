import { DEFAULT_TIME_ZONE, localParts, startOfDay, type CounterEvent, type CounterStatus } from '@okienko/protocol';
import type { StoredEvent } from './store/types.ts';

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

export interface AvailabilityRow {
  group: string;
  /** Milliseconds in each state within the period. */
  ms: Record<CounterStatus, number>;
  /** Share of the open time (not closed) spent free or serving, 0-100. */
  staffedPercent: number | null;
  /** Service sessions begun (clients served). */
  sessions: number;
}

/**
 * Time in each state per counter or clerk, from the state changes: each lasts until the next one
 * of its counter (or the end of the period). Time a counter is closed — outside its hours or
 * closed by a manager — is shown but not held against anyone.
 */
export type AvailabilityGroup = 'counter' | 'clerk' | 'site' | 'day';

/** The midnight after the office's day containing `ms` (found, not added: a DST day has 23 or 25 hours). */
const nextMidnight = (ms: number, timeZone: string): number => startOfDay(startOfDay(ms, timeZone) + 36 * 3_600_000, timeZone);

export function availabilityReport(events: readonly StoredEvent[], from: number, to: number, groupBy: AvailabilityGroup, timeZone = DEFAULT_TIME_ZONE): AvailabilityRow[] {
  const changes = events
    .filter((s): s is StoredEvent & { event: Extract<CounterEvent, { type: 'state_changed' }> } => s.event.type === 'state_changed')
    .sort((a, b) => a.effectiveAt - b.effectiveAt || a.event.seq - b.event.seq);
  const byCounter = new Map<string, typeof changes>();
  for (const c of changes) byCounter.set(`${c.event.site}/${c.event.counter}`, [...(byCounter.get(`${c.event.site}/${c.event.counter}`) ?? []), c]);
  const rows = new Map<string, AvailabilityRow>();
  const row = (group: string): AvailabilityRow => {
    let r = rows.get(group);
    if (!r) rows.set(group, (r = { group, ms: { available: 0, serving: 0, away: 0, closed: 0 }, staffedPercent: null, sessions: 0 }));
    return r;
  };
  for (const [counter, list] of byCounter) {
    list.forEach((c, i) => {
      const start = Math.max(from, c.effectiveAt);
      const end = Math.min(to, list[i + 1]?.effectiveAt ?? to);
      const group = groupBy === 'counter' ? counter : groupBy === 'site' ? c.event.site : (c.event.clerk?.name ?? '(nikt nie zalogowany)');
      // By day, a stretch is cut at each of the office's midnights; a service counts on the day it began.
      for (let s = start; s < end; ) {
        const until = groupBy === 'day' ? Math.min(end, nextMidnight(s, timeZone)) : end;
        row(groupBy === 'day' ? localParts(s, timeZone).date : group).ms[c.event.to] += until - s;
        s = until;
      }
      if (c.event.to === 'serving' && c.effectiveAt >= from && c.effectiveAt < to) row(groupBy === 'day' ? localParts(c.effectiveAt, timeZone).date : group).sessions += 1;
    });
  }
  for (const r of rows.values()) {
    const open = r.ms.available + r.ms.serving + r.ms.away;
    r.staffedPercent = open ? Math.round(((r.ms.available + r.ms.serving) / open) * 1000) / 10 : null;
  }
  return [...rows.values()].sort((a, b) => a.group.localeCompare(b.group, 'pl', { numeric: true }));
}

/** RFC 4180 CSV (what spreadsheets open), UTF-8 with a BOM so Excel shows Polish letters. */
export function toCsv(header: string[], rows: (string | number | null)[][]): string {
  const cell = (v: string | number | null): string => {
    const s = v === null ? '' : String(v);
    return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `\uFEFF${[header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}
