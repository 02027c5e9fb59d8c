import { describe, expect, it } from 'vitest';
import { Schedule, initialState, isOpen, machineConfig, polishHolidays, step } from '@okienko/device';

const week = { mon: ['08:00', '16:00'], tue: ['08:00', '16:00'], wed: ['08:00', '17:00'], thu: ['08:00', '16:00'], fri: ['08:00', '15:00'] };
const schedule = Schedule.parse({ hours: week, closedOn: ['2026-11-23'] });
// Warsaw is UTC+1 in winter, UTC+2 in summer.
const warsaw = (iso: string, offsetH = 1) => Date.parse(iso) - offsetH * 3_600_000;
const tz = 'Europe/Warsaw';

describe('opening hours', () => {
  it('is open from opening up to (not including) closing, in the office\'s zone', () => {
    expect(isOpen(schedule, warsaw('2026-11-24T07:59:00Z'), tz)).toBe(false);
    expect(isOpen(schedule, warsaw('2026-11-24T08:00:00Z'), tz)).toBe(true);
    expect(isOpen(schedule, warsaw('2026-11-24T15:59:00Z'), tz)).toBe(true);
    expect(isOpen(schedule, warsaw('2026-11-24T16:00:00Z'), tz)).toBe(false);
    expect(isOpen(schedule, warsaw('2026-11-25T16:30:00Z'), tz)).toBe(true); // long Wednesday
    expect(isOpen(schedule, warsaw('2026-07-14T08:30:00Z', 2), tz)).toBe(true); // summer time
  });

  it('is closed at weekends, on the office\'s own days off and on Polish public holidays', () => {
    expect(isOpen(schedule, warsaw('2026-11-28T10:00:00Z'), tz)).toBe(false); // Saturday
    expect(isOpen(schedule, warsaw('2026-11-23T10:00:00Z'), tz)).toBe(false); // closedOn
    expect(isOpen(schedule, warsaw('2026-11-11T10:00:00Z'), tz)).toBe(false); // Independence Day (Wednesday)
    expect(isOpen(schedule, warsaw('2026-06-04T10:00:00Z', 2), tz)).toBe(false); // Corpus Christi (Thursday)
    expect(isOpen(Schedule.parse({ hours: week, polishHolidays: false }), warsaw('2026-11-11T10:00:00Z'), tz)).toBe(true);
  });

  it('knows the movable feasts and Christmas Eve (a day off from 2025)', () => {
    expect(polishHolidays(2026)).toEqual(
      expect.arrayContaining(['2026-04-05', '2026-04-06', '2026-05-24', '2026-06-04', '2026-12-24']),
    );
    expect(polishHolidays(2024)).toEqual(expect.arrayContaining(['2024-03-31', '2024-04-01', '2024-05-30']));
    expect(polishHolidays(2024)).not.toContain('2024-12-24');
    expect(polishHolidays(2026)).toHaveLength(14);
  });

  it('names a mistake in the hours', () => {
    expect(Schedule.safeParse({ hours: { ...week, mon: ['16:00', '08:00'] } }).error?.issues[0]?.message).toMatch(/opening must come before closing/);
    expect(Schedule.safeParse({ hours: { ...week, tue: ['8:00', '16:00'] } }).error?.issues[0]?.message).toMatch(/HH:MM/);
  });
});

describe('the counter and its hours', () => {
  const config = machineConfig();
  const clerk = { id: 'k1', name: 'Anna Nowak' };
  const T = 1_795_000_000_000;

  it('closing time closes the counter and signs the clerk out; opening time opens it again', () => {
    const closed = step(initialState(T, clerk), { type: 'schedule', open: false }, T, config);
    expect(closed.state).toMatchObject({ status: 'closed', clerk: null, closedBy: 'schedule' });
    expect(closed.effects.map((e) => e.type === 'emit' && e.event.type)).toEqual(['state_changed', 'clerk_changed']);
    // Opening time with nobody signed in (closing time signed everyone out): closed until a clerk
    // signs in — never "Stanowisko wolne" at an empty desk.
    const opened = step(closed.state, { type: 'schedule', open: true }, T + 1, config);
    expect(opened.state).toMatchObject({ status: 'closed', closedBy: 'vacant' });
    expect(opened.effects).toEqual([]);
    expect(step(opened.state, { type: 'sign_in', clerk }, T + 2, config).state.status).toBe('available');
    // A clerk who badged in before opening time is there at opening: the counter opens.
    const early = step(closed.state, { type: 'sign_in', clerk }, T + 1, config);
    expect(early.state.status).toBe('closed');
    expect(step(early.state, { type: 'schedule', open: true }, T + 2, config).state.status).toBe('available');
  });

  it('a manager\'s closure stands when the hours open', () => {
    const closed = step(initialState(T, clerk), { type: 'set_open', open: false }, T, config);
    const r = step(closed.state, { type: 'schedule', open: true }, T + 1, config);
    expect(r.state.status).toBe('closed');
    expect(r.effects).toEqual([]);
  });

  it('keeps a vote on a closed counter, flagged: no one was served', () => {
    const closed = step(initialState(T, clerk), { type: 'schedule', open: false }, T, config).state;
    const r = step(closed, { type: 'press', button: 'face-1' }, T + 60_000, config);
    expect(r.effects[0]).toMatchObject({ type: 'emit', event: { type: 'feedback', flagged: true } });
  });
});
