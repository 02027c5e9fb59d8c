import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { CounterEvent, localParts, type StateChangedEvent } from '@okienko/protocol';
import { polishHolidays } from '@okienko/device';
import { DEMO_BOOT_ID, DEMO_HOURS, demoCounters, demoHistory, officeTime } from '@okienko/sim';
import { SqliteStore, demoMark, projectEvent } from '@okienko/broker-bridge';
import { availabilityReport, feedbackReport } from '../../broker-bridge/reports/reports.ts';
import { trackSequence } from '../../broker-bridge/ingest/projection.ts';
import { prepareDemo } from '../../cli/demo.ts';

const ZONE = 'Europe/Warsaw';
const log = pino({ level: 'silent' });
// Thursday 12.11.2026, 10:30 in Warsaw: the day after a public holiday (11 November).
const NOW = Date.parse('2026-11-12T09:30:00Z');
const counters = demoCounters(6);

describe('the demo office\'s history', () => {
  const h = demoHistory({ counters, now: NOW, timeZone: ZONE, seed: 7 });

  it('numbers each counter\'s events 1…N under its own boot id, each a valid event before now', () => {
    for (const spec of counters) {
      const key = `${spec.ref.site}/${spec.ref.counter}`;
      const mine = h.events.filter((e) => `${e.site}/${e.counter}` === key);
      expect(mine.map((e) => e.seq)).toEqual(mine.map((_, i) => i + 1));
      expect(h.lastSeq[key]).toBe(mine.length);
      expect(mine.length).toBeGreaterThan(500);
      for (const e of mine) {
        expect(e.bootId).toBe(DEMO_BOOT_ID);
        expect(e.at).toBeLessThan(NOW);
        // Time never goes back within a counter.
        expect(e.at).toBeGreaterThanOrEqual(mine[e.seq - 2]?.at ?? 0);
      }
    }
    for (const e of h.events) expect(CounterEvent.safeParse(e).success).toBe(true);
    expect(new Set(h.events.map((e) => e.id)).size).toBe(h.events.length);
  });

  it('keeps to office days and hours: nothing on weekends or 11 November, opening at 8:00 office time', () => {
    const holidays = polishHolidays(2026);
    const demoOpen = NOW - 9 * 60_000; // the demo's own opening, just before it starts
    for (const e of h.events) {
      if (e.at >= demoOpen - 60_000) continue;
      const { date, weekday, minutes } = localParts(e.at, ZONE);
      const hours = DEMO_HOURS[weekday];
      expect(hours, `${date} is a weekend`).not.toBeNull();
      expect(holidays).not.toContain(date);
      // Clerks badge in up to eight minutes before opening; everything ends by closing time.
      expect(minutes).toBeGreaterThanOrEqual(hours![0] - 8);
      expect(minutes).toBeLessThanOrEqual(hours![1]);
    }
    const openings = h.events.filter((e): e is StateChangedEvent => e.type === 'state_changed' && e.cause === 'schedule' && e.to === 'available' && e.at < demoOpen);
    expect(openings.length).toBeGreaterThan(100);
    for (const o of openings) expect(localParts(o.at, ZONE).minutes).toBe(8 * 60);
  });

  it('has a realistic spread: votes per clerk differ, some returns are late, a vote follows a service', () => {
    const rows = feedbackReport(h.events.map((event) => ({ event, receivedAt: event.at, effectiveAt: event.at })), 'clerk', ZONE);
    expect(rows).toHaveLength(6);
    const scores = rows.map((r) => r.score!);
    expect(Math.max(...scores) - Math.min(...scores)).toBeGreaterThan(10);
    for (const r of rows) expect(Object.keys(r.faces).sort()).toEqual(['1', '2', '3', '4']);
    const changes = h.events.filter((e): e is StateChangedEvent => e.type === 'state_changed');
    const late = changes.filter((e, i) => e.from === 'away' && e.to === 'available' && changes[i - 1]?.notice && e.at > changes[i - 1]!.notice!.backAt + 2 * 60_000);
    const aways = changes.filter((e) => e.to === 'away');
    expect(late.length).toBeGreaterThan(5);
    expect(late.length).toBeLessThan(aways.length / 3);
    expect(aways.filter((e) => e.notice?.reason === 'break').length).toBeGreaterThan(50); // lunch
    expect(h.events.some((e) => e.type === 'feedback' && e.flagged)).toBe(true);
  });

  it('ends with every counter open and signed in, one clerk away and already late', () => {
    for (const [key, r] of Object.entries(h.resume)) {
      expect(r.clerk).not.toBeNull();
      expect(r.status).toBe(key === h.late ? 'away' : 'available');
    }
    const late = h.resume[h.late!]!;
    expect(late.notice!.backAt + 2 * 60_000).toBeLessThan(NOW);
    expect(late.notice!.signedBy).toEqual(late.clerk);
  });

  it('is the same for the same seed and now, and another for another seed', () => {
    expect(demoHistory({ counters, now: NOW, timeZone: ZONE, seed: 7 }).events).toEqual(h.events);
    expect(demoHistory({ counters, now: NOW, timeZone: ZONE, seed: 8 }).events[0]!.id).not.toBe(h.events[0]!.id);
  });

  it('opens at 8:00 office time on both sides of the daylight-saving changes', () => {
    expect(new Date(officeTime('2026-03-29', 8 * 60, ZONE)).toISOString()).toBe('2026-03-29T06:00:00.000Z');
    expect(new Date(officeTime('2026-03-27', 8 * 60, ZONE)).toISOString()).toBe('2026-03-27T07:00:00.000Z');
    expect(new Date(officeTime('2026-10-25', 8 * 60, ZONE)).toISOString()).toBe('2026-10-25T07:00:00.000Z');
    expect(new Date(officeTime('2026-10-26', 8 * 60, ZONE)).toISOString()).toBe('2026-10-26T07:00:00.000Z');
    const spring = demoHistory({ counters, now: Date.parse('2026-04-02T08:00:00Z'), timeZone: ZONE, seed: 3, days: 10 });
    const opens = spring.events.filter((e) => e.type === 'state_changed' && e.cause === 'schedule' && e.to === 'available' && e.at < Date.parse('2026-04-02T07:00:00Z'));
    expect(new Set(opens.map((e) => localParts(e.at, ZONE).minutes))).toEqual(new Set([480]));
    // Monday 30 March is after the switch, Friday 27 before it: both at eight.
    expect(opens.some((e) => localParts(e.at, ZONE).date === '2026-03-30')).toBe(true);
    expect(opens.some((e) => localParts(e.at, ZONE).date === '2026-03-27')).toBe(true);
  });
});

describe('the demo\'s history in a store', () => {
  it('is written once into a fresh store, marked as the demo\'s, and a second start adds nothing', async () => {
    const store = new SqliteStore(':memory:');
    const past = await prepareDemo(store, { now: NOW, timeZone: ZONE, counters: 6, seed: 11, log });
    expect(past).toBeDefined();
    expect(await demoMark(store)).toEqual({ since: NOW, seed: 11, counters: 6 });
    const all = async () => store.listEvents({ limit: 1_000_000 });
    const first = await all();
    expect(first.length).toBe(Object.values(past!.lastSeq).reduce((a, b) => a + b, 0));
    const week = first.filter((e) => e.effectiveAt >= NOW - 7 * 86_400_000);
    expect(feedbackReport(week, 'counter', ZONE)).toHaveLength(6);
    expect(availabilityReport(week, NOW - 7 * 86_400_000, NOW, 'counter').every((r) => r.sessions > 20)).toBe(true);
    // Today's votes on the board come from the hourly counts the write path keeps.
    const today = await store.feedbackCounts(counters.map((c) => c.ref), NOW - 10 * 86_400_000);
    expect([...today.values()].every((faces) => Object.values(faces).reduce((a, b) => a + b, 0) > 10)).toBe(true);

    // A second start, later: the same history is found in place, nothing is added.
    const again = await prepareDemo(store, { now: NOW + 86_400_000, timeZone: ZONE, counters: 6, seed: 99, log });
    expect(again).toEqual(past);
    expect((await all()).length).toBe(first.length);

    // The live counter's first event comes after the history: taken, and no gap.
    const key = 'ratusz/okienko-1';
    const row = (await store.getCounter('ratusz', 'okienko-1'))!;
    expect(row.lastEventSeq).toBe(past!.lastSeq[key]);
    expect(trackSequence(row, past!.lastSeq[key]! + 1).missing).toEqual([]);
    const live = { ...first.at(-1)!.event, site: 'ratusz', counter: 'okienko-1', seq: past!.lastSeq[key]! + 1, at: NOW + 1000, bootId: 'live', type: 'state_changed', from: 'available', to: 'serving', clerk: null, notice: null, cause: 'clerk' } as CounterEvent;
    expect(projectEvent(row, live, NOW + 1000).status).toBe('serving');
    await store.close();
  });

  it('is not written into a store that holds data of its own, which is never marked as the demo\'s', async () => {
    const store = new SqliteStore(':memory:');
    const event = demoHistory({ counters, now: NOW, timeZone: ZONE, seed: 1, days: 2 }).events[0]!;
    await store.write([{ kind: 'event', event: { ...event, bootId: 'real' }, times: { receivedAt: event.at, effectiveAt: event.at }, project: (r) => projectEvent(r, event, event.at) }]);
    expect(await prepareDemo(store, { now: NOW, timeZone: ZONE, counters: 6, log })).toBeUndefined();
    expect(await demoMark(store)).toBeNull();
    expect(await store.listEvents({ limit: 100 })).toHaveLength(1);
    // The first start decided for good: a later demo start adds no history either.
    expect(await prepareDemo(store, { now: NOW, timeZone: ZONE, counters: 6, log })).toBeUndefined();
    await store.close();
  });
});
