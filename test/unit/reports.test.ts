import { describe, expect, it } from 'vitest';
import { availabilityReport, feedbackReport, toCsv, type StoredEvent } from '@okienko/broker-bridge';
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
    const rows = availabilityReport(events, sat, mon + 60 * min, 'day', 'Europe/Warsaw');
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
});
