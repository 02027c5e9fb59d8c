import { describe, expect, it } from 'vitest';
import { startOfDay, type AvailabilityRow, type CounterStatus } from '@okienko/protocol';
import { availabilityReport, csvTime, faceColumns, feedbackReport, toCsv } from '../../broker-bridge/reports/reports.ts';
import { type CounterRow, type StoredEvent } from '../../broker-bridge/store/types.ts';
import { feedback, stateChange } from '../helpers/messages.ts';

const T = Date.UTC(2026, 10, 20, 8, 0); // 09:00 in Warsaw
const stored = (e: ReturnType<typeof feedback>, at: number): StoredEvent => ({ event: { ...e, at }, receivedAt: at, effectiveAt: at });
const anna = { id: 'k1', name: 'Anna Nowak' };
const jan = { id: 'k2', name: 'Jan Kowalski' };

describe('satisfaction report', () => {
  const events = [
    stored(feedback(1, { face: 4, clerk: anna }), T),
    stored(feedback(2, { face: 1, clerk: anna }), T + 3_600_000),
    stored(feedback(3, { face: 3, clerk: jan, counter: 'okienko-2' }), T + 3_600_000),
    stored(feedback(4, { face: 1, clerk: jan, flagged: true, counter: 'okienko-2' }), T + 3_700_000),
  ];

  it('groups by clerk with a 0-100 score on each vote\'s scale, misuse left out by default', () => {
    expect(feedbackReport(events, 'clerk', 'Europe/Warsaw')).toEqual([
      { group: 'Anna Nowak', votes: 2, faces: { '4': 1, '1': 1 }, score: 50 },
      { group: 'Jan Kowalski', votes: 1, faces: { '3': 1 }, score: 66.7 },
    ]);
    expect(feedbackReport(events, 'clerk', 'Europe/Warsaw', true)[1]).toMatchObject({ votes: 2, score: 33.3 });
  });

  it('groups by the office\'s hour and day', () => {
    expect(feedbackReport(events, 'hour', 'Europe/Warsaw').map((r) => [r.group, r.votes])).toEqual([['09:00', 1], ['10:00', 2]]);
    expect(feedbackReport(events, 'day', 'Europe/Warsaw').map((r) => r.group)).toEqual(['2026-11-20']);
    // 2026-11-20 is a Friday: the heat map's cells, Monday first.
    const monday = stored(feedback(5, { face: 4 }), T - 4 * 86_400_000);
    expect(feedbackReport([...events, monday], 'weekday_hour', 'Europe/Warsaw').map((r) => [r.group, r.votes])).toEqual([
      ['1 mon 09:00', 1],
      ['5 fri 09:00', 1],
      ['5 fri 10:00', 2],
    ]);
  });
});

describe('availability report', () => {
  it('adds up time in each state within the period, per counter or clerk, and counts clients served', () => {
    const min = 60_000;
    const e = (seq: number, to: 'available' | 'serving' | 'away' | 'closed', at: number, clerk = anna): StoredEvent => ({
      event: { ...stateChange(seq, to), clerk, at },
      receivedAt: at,
      effectiveAt: at,
    });
    const events = [e(1, 'available', T - 30 * min), e(2, 'serving', T + 10 * min), e(3, 'away', T + 30 * min), e(4, 'available', T + 45 * min, jan), e(5, 'closed', T + 60 * min, jan)];
    const [row] = availabilityReport(events, T, T + 120 * min, 'counter');
    expect(row).toMatchObject({ group: 'ratusz/okienko-1', ms: { available: 25 * min, serving: 20 * min, away: 15 * min, closed: 60 * min }, sessions: 1 });
    expect(row!.staffedPercent).toBe(75);
    expect(availabilityReport(events, T, T + 120 * min, 'clerk').map((r) => [r.group, r.ms.available / min])).toEqual([['Anna Nowak', 10], ['Jan Kowalski', 15]]);
  });
});

describe('availability report: every counter, the whole period', () => {
  const min = 60_000;
  const H = 60 * min;
  const ratusz1 = { site: 'ratusz', counter: 'okienko-1' };
  const ratusz2 = { site: 'ratusz', counter: 'okienko-2' };
  const filia1 = { site: 'filia', counter: 'okienko-1' };
  const change = (ref: typeof ratusz1, seq: number, from: CounterStatus, to: CounterStatus, at: number, clerk = anna): StoredEvent => ({
    event: { ...stateChange(seq, to, from), ...ref, clerk, at },
    receivedAt: at,
    effectiveAt: at,
  });
  const row = (ref: typeof ratusz1, over: Partial<CounterRow>): CounterRow => ({
    ...ref, status: 'available', online: true, bootId: 'b', clerk: anna, since: null, notice: null, seq: 0, scale: 4, lastSeen: T, panelUrl: null, version: null, ...over,
  });
  const total = (r: AvailabilityRow) => r.ms.available + r.ms.serving + r.ms.away + r.ms.closed;

  it('counts counters that never changed, in their row\'s state since its `since`, and never time before a counter existed', () => {
    const counters = [
      row(ratusz1, { status: 'available', since: T - 5 * H }), // the whole period
      row(ratusz2, { status: 'closed', since: T + 30 * min }), // came during it
      row(filia1, { status: 'available', since: null }), // nothing known of its state: there, with no time
    ];
    const rows = availabilityReport([], T, T + 2 * H, 'counter', { counters });
    expect(rows.map((r) => [r.group, r.ms, r.staffedPercent])).toEqual([
      ['filia/okienko-1', { available: 0, serving: 0, away: 0, closed: 0 }, null],
      ['ratusz/okienko-1', { available: 2 * H, serving: 0, away: 0, closed: 0 }, 100],
      ['ratusz/okienko-2', { available: 0, serving: 0, away: 0, closed: 90 * min }, null],
    ]);
  });

  it('starts the period in the state the last change before it left, however long ago, and adds up to the period', () => {
    const longAgo = T - 40 * 86_400_000;
    const events = [change(ratusz1, 1, 'closed', 'away', longAgo), change(ratusz1, 2, 'away', 'available', T + 15 * min), change(ratusz1, 3, 'available', 'away', T + 45 * min), change(ratusz1, 4, 'away', 'available', T + 75 * min)];
    const [r] = availabilityReport(events, T, T + 2 * H, 'counter', { counters: [row(ratusz1, { since: T + 75 * min })] });
    // Away twice: 15 min from the start, then 30 more.
    expect(r!.ms).toEqual({ available: 75 * min, serving: 0, away: 45 * min, closed: 0 });
    expect(total(r!)).toBe(2 * H);
  });

  it('counts the time before a counter\'s first change from when the bridge first heard of it, in the state that change left', () => {
    const events = [change(ratusz1, 1, 'available', 'serving', T + 40 * min), change(ratusz1, 2, 'serving', 'available', T + 50 * min)];
    const seen = row(ratusz1, { firstSeen: T + 10 * min, since: T + 50 * min });
    const [r] = availabilityReport(events, T, T + H, 'counter', { counters: [seen] });
    expect(r!.ms).toEqual({ available: 40 * min, serving: 10 * min, away: 0, closed: 0 });
    expect(r!.sessions).toBe(1);
    // A row from before firstSeen was kept: from the first change only, nothing invented.
    const [old] = availabilityReport(events, T, T + H, 'counter', { counters: [{ ...seen, firstSeen: undefined }] });
    expect(old!.ms).toEqual({ available: 10 * min, serving: 10 * min, away: 0, closed: 0 });
  });

  it('groups by site: each site\'s counters, their times adding up to the period each', () => {
    const counters = [row(ratusz1, { since: T - H }), row(ratusz2, { status: 'closed', since: T - H }), row(filia1, { since: T - H })];
    const events = [change(ratusz2, 1, 'closed', 'available', T - H), change(ratusz2, 2, 'available', 'serving', T + 20 * min), change(ratusz2, 3, 'serving', 'available', T + 30 * min), change(ratusz2, 4, 'available', 'serving', T + 40 * min)];
    const rows = availabilityReport(events, T, T + H, 'site', { counters });
    expect(rows.map((r) => [r.group, total(r), r.sessions])).toEqual([['filia', H, 0], ['ratusz', 2 * H, 2]]);
    expect(rows[1]!.ms).toEqual({ available: H + 30 * min, serving: 30 * min, away: 0, closed: 0 });
  });

  it('groups by the office\'s day, split at its midnights, a 25-hour day when the clocks go back, every day listed', () => {
    // 2026-10-25: Poland goes from CEST to CET, the day has 25 hours.
    const day = (d: number) => startOfDay(Date.UTC(2026, 9, d, 12), 'Europe/Warsaw');
    const from = day(24);
    const to = day(27);
    const events = [
      change(ratusz1, 1, 'closed', 'available', from - H),
      change(ratusz1, 2, 'available', 'serving', day(25) - 30 * min), // across midnight: 30 min one day, 30 the next
      change(ratusz1, 3, 'serving', 'available', day(25) + 30 * min),
      change(ratusz1, 4, 'available', 'closed', day(26) + 8 * H),
    ];
    const rows = availabilityReport(events, from - 3 * 86_400_000, to, 'day', { counters: [row(ratusz1, { status: 'closed', since: day(26) + 8 * H })], timeZone: 'Europe/Warsaw' });
    expect(rows.map((r) => [r.group, total(r) / H, r.sessions])).toEqual([
      ['2026-10-21', 0, 0], // before the counter's first known change: nothing invented
      ['2026-10-22', 0, 0],
      ['2026-10-23', 1, 0],
      ['2026-10-24', 24, 1],
      ['2026-10-25', 25, 0],
      ['2026-10-26', 24, 0],
    ]);
    expect(rows[3]!.ms.serving).toBe(30 * min);
    expect(rows[4]!.ms.serving).toBe(30 * min);
    expect(rows[5]!.ms).toEqual({ available: 8 * H, serving: 0, away: 0, closed: 16 * H });
  });
});

describe('availability by site and by the office\'s day', () => {
  const min = 60_000;
  const e = (seq: number, to: 'available' | 'serving' | 'away' | 'closed', at: number, counter = 'okienko-1', site = 'ratusz'): StoredEvent => ({
    event: { ...stateChange(seq, to), site, counter, clerk: anna, at },
    receivedAt: at,
    effectiveAt: at,
  });

  it('cuts a stretch at the office\'s midnight, on the 25-hour day of the October switch too', () => {
    // Saturday 24.10.2026 22:00 Warsaw (20:00 UTC) free, until Monday 26.10 01:00 (00:00 UTC).
    const sat = Date.parse('2026-10-24T20:00:00Z');
    const mon = Date.parse('2026-10-26T00:00:00Z');
    const events = [e(1, 'available', sat), e(2, 'serving', mon), e(3, 'closed', mon + 30 * min)];
    const rows = availabilityReport(events, sat, mon + 60 * min, 'day', { timeZone: 'Europe/Warsaw' });
    expect(rows.map((r) => [r.group, r.ms.available / min, r.ms.serving / min, r.sessions])).toEqual([
      ['2026-10-24', 120, 0, 0],
      ['2026-10-25', 25 * 60, 0, 0], // the day the clocks went back has 25 hours
      ['2026-10-26', 60, 30, 1],
    ]);
  });

  it('adds up the counters of a site', () => {
    const events = [e(1, 'available', T), e(2, 'away', T + 30 * min), e(1, 'serving', T, 'okienko-2'), e(1, 'available', T, 'okienko-1', 'filia')];
    const rows = availabilityReport(events, T, T + 60 * min, 'site');
    expect(rows.map((r) => [r.group, r.ms.available / min, r.ms.serving / min, r.ms.away / min, r.sessions])).toEqual([
      ['filia', 60, 0, 0, 0],
      ['ratusz', 30, 60, 30, 1],
    ]);
  });
});

describe('CSV', () => {
  it('quotes what needs quoting and starts with a BOM for spreadsheets', () => {
    expect(toCsv(['a', 'b'], [['Nowak, Anna', 'powiedział "tak"'], [1, null]])).toBe('\uFEFFa,b\r\n"Nowak, Anna","powiedział ""tak"""\r\n1,\r\n');
  });

  it('writes what Polish Excel reads: `;` between cells and a decimal comma; English keeps `,` and a point', () => {
    expect(toCsv(['site', 'score'], [['ratusz', 87.5], ['filia; Nowa', 100]], 'pl')).toBe('\uFEFFbiuro;wynik (0-100)\r\nratusz;87,5\r\n"filia; Nowa";100\r\n'); // Polish column names
    expect(toCsv(['site', 'score'], [['ratusz', 87.5]], 'en')).toBe('\uFEFFsite,score\r\nratusz,87.5\r\n');
  });

  it('gives times on the office\'s clock, across a daylight-saving change', () => {
    expect(csvTime(T, 'Europe/Warsaw', 'pl')).toBe('20.11.2026 09:00');
    expect(csvTime(Date.UTC(2026, 6, 3, 6, 5), 'Europe/Warsaw', 'pl')).toBe('03.07.2026 08:05'); // summer: UTC+2
    expect(csvTime(T, 'Europe/Warsaw', 'en')).toBe('2026-11-20 09:00');
    expect(csvTime(null, 'Europe/Warsaw', 'pl')).toBeNull();
  });

  it('has a column per face of the largest scale voted on, four when nobody voted', () => {
    expect(faceColumns([stored(feedback(1, { face: 2, scale: 4 }), T)])).toEqual(['1', '2', '3', '4']);
    expect(faceColumns([stored(feedback(1, { face: 2, scale: 3 }), T), stored(feedback(2, { face: 5, scale: 5 }), T)])).toEqual(['1', '2', '3', '4', '5']);
    expect(faceColumns([])).toEqual(['1', '2', '3', '4']);
  });
});
