import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvailabilityReport, LobbyView, type CounterView } from '@okienko/protocol';
import { MIN, Office, expectedTimes, type Person, type SimCounter } from '../helpers/office-day.ts';
import { waitFor } from '../helpers/net.ts';

// A day in the life: an office opens, works and closes, and opens again the next morning. Clerks
// badge in and out, serve, step away and come back late, a counter reboots and one goes away for
// minutes, a clock never synchronises, residents vote — every situation more than once. After each
// step the open alerts are compared with what should hold then; at the end the whole alert history
// must be exactly those (each raised each time, only then, cleared when it ended), each counter's
// time in each state must match the script and add up to the opening hours, and every away notice
// must be signed by the clerk who left and name a substitute who is there.

const anna: Person = { badge: 'B-ANNA', id: 'k1', name: 'Anna Nowak' };
const piotr: Person = { badge: 'B-PIOTR', id: 'k2', name: 'Piotr Zieliński' };
const kasia: Person = { badge: 'B-KASIA', id: 'k3', name: 'Katarzyna Kamińska' };
const ewa: Person = { badge: 'B-EWA', id: 'k4', name: 'Ewa Mazur' };

/** Office time on the n-th day of the script: Monday 2 March 2026 (CET, UTC+1), then Tuesday. */
const at = (day: 0 | 1, hhmm: string): number => Date.UTC(2026, 2, 2 + day, Number(hhmm.slice(0, 2)) - 1, Number(hhmm.slice(3, 5)), Number(hhmm.slice(6, 8) || 0));
const OPEN = (day: 0 | 1) => [at(day, '08:00'), at(day, '16:00')] as const;

let o: Office;
let c1: SimCounter, c2: SimCounter, c3: SimCounter;
/** The open alerts as the script expects them at each step, with when: the history must be exactly this. */
const expected: { key: string; raisedAt: number; clearedAt: number | null }[] = [];
const notices: { counter: string; signedBy: string; substitute: string | null }[] = [];

beforeAll(async () => {
  o = await Office.open('ratusz', [anna, piotr, kasia, ewa], at(0, '07:30'));
  c1 = o.add('okienko-1', { name: piotr.name, where: 'stanowisko 2' });
  c2 = o.add('okienko-2', { name: kasia.name, where: 'stanowisko 3' });
  c3 = o.add('okienko-3', { name: anna.name, where: 'stanowisko 1' });
});
afterAll(async () => {
  await o?.close();
});

/** The clock moves to `t`; the alerts open then must be exactly `open`. */
async function expectAlerts(t: number, open: string[]): Promise<void> {
  await o.settle(); // all that happened is dated before the clock moves on
  o.now = t;
  const now = await o.openAlerts();
  expect(now, `alerts open at ${new Date(t).toISOString()}`).toEqual([...open].sort());
  const before = new Set(expected.filter((e) => e.clearedAt === null).map((e) => e.key));
  for (const key of open) if (!before.has(key)) expected.push({ key, raisedAt: t, clearedAt: null });
  for (const e of expected) if (e.clearedAt === null && !open.includes(e.key)) e.clearedAt = t;
}

/** Who is at a counter, free or serving, other than `but`. */
function present(views: CounterView[], but: string): string[] {
  return views.filter((v) => v.online && (v.status === 'available' || v.status === 'serving') && v.clerk && v.clerk.name !== but).map((v) => v.clerk!.name);
}

/** A clerk steps away: the notice the board, the display and the lobby show is theirs. */
async function stepAway(c: SimCounter, who: Person, preset: number): Promise<void> {
  const others = present(await o.settle(), who.name);
  await c.stepAway(preset);
  const views = await o.settle();
  const notice = views.find((v) => v.counter === c.id)!.notice!;
  expect(notice.signedBy.name, `${c.id}'s notice signed by the clerk who left`).toBe(who.name);
  expect(c.running.machineState.notice?.signedBy.name, 'the display draws the same notice').toBe(who.name);
  const sub = notice.substitute;
  if (sub) {
    expect(sub.name, `${who.name}'s notice names someone else`).not.toBe(who.name);
    expect(others, `${who.name}'s substitute is at a counter`).toContain(sub.name);
  }
  const lobby = LobbyView.parse(await (await fetch(`${o.bridge.url}/api/public/lobby`)).json());
  const shown = lobby.counters.find((l) => l.counter === c.id)!;
  expect(shown.away?.signedBy).toBe(who.name);
  notices.push({ counter: c.id, signedBy: who.name, substitute: sub?.name ?? null });
}

/** Until the away counters' notices (board and lobby) name these substitutes (null: nobody). */
async function substitutes(want: Record<string, string | null>): Promise<void> {
  const shown = async () => {
    const lobby = LobbyView.parse(await (await fetch(`${o.bridge.url}/api/public/lobby`)).json());
    const board = await o.api.json<CounterView[]>('/api/counters');
    return Object.fromEntries(
      Object.keys(want).map((id) => [id, [board.find((v) => v.counter === id)?.notice?.substitute?.name ?? null, lobby.counters.find((l) => l.counter === id)?.away?.substitute?.name ?? null]]),
    );
  };
  const expected = Object.fromEntries(Object.entries(want).map(([id, name]) => [id, [name, name]]));
  let last: unknown;
  await waitFor(async () => JSON.stringify((last = await shown())) === JSON.stringify(expected), { what: () => `substitutes ${JSON.stringify(expected)}, shown ${JSON.stringify(last)}` });
}

async function report(from: number, to: number): Promise<AvailabilityReport> {
  return AvailabilityReport.parse(await o.api.json(`/api/reports/availability?from=${from}&to=${to}&groupBy=counter`));
}

describe('a day in the life of an office, and the next morning', () => {
  it('Monday: opening, serving, late returns, everyone away twice, reboots, an outage twice, an unsynchronised clock', async () => {
    for (const c of o.counters) {
      await c.boot();
      await c.becomes('closed'); // before opening time
    }
    await expectAlerts(at(0, '07:40'), []);
    o.now = at(0, '07:50');
    await c1.badge(anna);
    await c2.badge(piotr);
    await c3.badge(kasia);
    expect(o.counters.map((c) => c.status), 'signed in before opening time: still closed').toEqual(['closed', 'closed', 'closed']);
    await expectAlerts(at(0, '07:55'), []); // closed for the day: nobody is expected yet (S5 holds in hours)

    o.now = at(0, '08:00');
    for (const c of o.counters) await c.becomes('available');
    await expectAlerts(at(0, '08:01'), []);

    // Residents served; a run of unhappy votes at counter 2, a happy one, and a second run later.
    o.now = at(0, '08:10');
    await c1.serve(4);
    o.now = at(0, '09:00');
    await c2.serve(1);
    o.now = at(0, '09:10');
    await c2.serve(2);
    await expectAlerts(at(0, '09:15'), []);
    o.now = at(0, '09:20');
    await c2.serve(1);
    await expectAlerts(o.now, ['unhappy_run okienko-2']);

    // Counter 3 goes away for five minutes (a switch): raised past the minute's grace, once.
    o.now = at(0, '09:30');
    await c3.shutDown();
    await expectAlerts(at(0, '09:31'), ['unhappy_run okienko-2']);
    await expectAlerts(at(0, '09:32'), ['offline okienko-3', 'unhappy_run okienko-2']);
    o.now = at(0, '09:33');
    await c2.serve(4); // the run ends (09:37)
    await expectAlerts(at(0, '09:37'), ['offline okienko-3']);
    // It comes back with a clock that has lost its time server.
    c3.synced = false;
    await c3.boot();
    await expectAlerts(at(0, '09:38'), []);
    await expectAlerts(at(0, '09:42'), []); // five minutes' grace for NTP
    await expectAlerts(at(0, '09:43'), ['clock_unsynced okienko-3']);

    // Anna steps away for five minutes and is late; the alert comes past the announced return.
    o.now = at(0, '10:00');
    await stepAway(c1, anna, 0); // back at 10:05, as the menu showed at her first press
    await expectAlerts(at(0, '10:07'), ['clock_unsynced okienko-3']); // two minutes' grace
    await expectAlerts(at(0, '10:07:30'), ['away_overdue okienko-1', 'clock_unsynced okienko-3']);
    o.now = at(0, '10:10');
    await c1.comeBack();
    await expectAlerts(o.now, ['clock_unsynced okienko-3']);

    // Counter 3 reboots (twenty seconds): no offline alert; its clock is still unsynchronised.
    o.now = at(0, '10:30');
    await c3.shutDown();
    await expectAlerts(o.now, []);
    await expectAlerts(at(0, '10:30:20'), []);
    await c3.boot();
    await expectAlerts(o.now, ['clock_unsynced okienko-3']);

    // Katarzyna steps away and is back on time: no alert. Her clock comes right with her next press.
    o.now = at(0, '11:00');
    await stepAway(c3, kasia, 1); // back at 11:15
    await expectAlerts(at(0, '11:15'), ['clock_unsynced okienko-3']);
    o.now = at(0, '11:15:30');
    c3.synced = true;
    await c3.comeBack(); // the state it publishes says so
    await expectAlerts(o.now, []);
    o.now = at(0, '11:30');
    await c3.serve(3);

    // Lunch: all three away at once (S5) until Piotr is back; then Anna and Katarzyna.
    o.now = at(0, '12:00');
    await stepAway(c1, anna, 1);
    await stepAway(c2, piotr, 0);
    await expectAlerts(at(0, '12:01'), []);
    await stepAway(c3, kasia, 1);
    // Nobody is there now: the notices that named a colleague who left since name nobody.
    await substitutes({ 'okienko-1': null, 'okienko-2': null, 'okienko-3': null });
    await expectAlerts(o.now, ['no_counter_available']);
    await expectAlerts(at(0, '12:05'), ['no_counter_available']);
    await c2.comeBack();
    // Piotr is back: the others' notices send residents to him, on the board and the lobby.
    await substitutes({ 'okienko-1': piotr.name, 'okienko-3': piotr.name });
    await expectAlerts(o.now, []);
    o.now = at(0, '12:15');
    await c1.comeBack();
    await c3.comeBack();

    // The second unhappy run at counter 2, and a second reboot of counter 3.
    for (const [t, face] of [['13:00', 2], ['13:10', 1], ['13:20', 1]] as const) {
      o.now = at(0, t);
      await c2.serve(face);
    }
    await expectAlerts(o.now, ['unhappy_run okienko-2']);
    o.now = at(0, '13:30');
    await c2.serve(3); // 13:34
    await expectAlerts(o.now, []);
    await c3.shutDown();
    o.now = at(0, '13:34:30');
    await c3.boot();
    await expectAlerts(at(0, '13:35'), []);

    // Anna is late a second time: a second alert.
    o.now = at(0, '14:00');
    await stepAway(c1, anna, 0); // back at 14:05
    await expectAlerts(at(0, '14:09'), ['away_overdue okienko-1']);
    o.now = at(0, '14:12');
    await c1.comeBack();
    await expectAlerts(o.now, []);

    // The second outage of counter 3.
    o.now = at(0, '14:30');
    await c3.shutDown();
    await expectAlerts(at(0, '14:32'), ['offline okienko-3']);
    await expectAlerts(at(0, '14:40'), ['offline okienko-3']);
    await c3.boot();
    await expectAlerts(o.now, []);

    // Everyone away a second time: a second S5 alert.
    o.now = at(0, '15:00');
    await stepAway(c1, anna, 0);
    await stepAway(c2, piotr, 0);
    await stepAway(c3, kasia, 0);
    await expectAlerts(o.now, ['no_counter_available']);
    await expectAlerts(at(0, '15:04'), ['no_counter_available']);
    await c1.comeBack();
    await expectAlerts(o.now, []);
    o.now = at(0, '15:05');
    await c2.comeBack();
    await c3.comeBack();

    // Closing time closes every counter and signs its clerk out; nothing is raised after hours.
    o.now = at(0, '16:00');
    for (const c of o.counters) await c.becomes('closed');
    const views = await o.settle();
    expect(views.map((v) => v.clerk)).toEqual([null, null, null]);
    await expectAlerts(at(0, '16:30'), []);
  });

  it('Tuesday: clerks at other counters than the day before, a takeover, a late return again', async () => {
    o.now = at(1, '07:55');
    await c1.badge(anna);
    await c2.badge(kasia); // not her usual counter: counter 2's substitute is configured as her
    await c3.badge(piotr);
    expect(o.counters.map((c) => c.status), 'signed in before opening time: still closed').toEqual(['closed', 'closed', 'closed']);
    o.now = at(1, '08:00');
    for (const c of o.counters) await c.becomes('available');
    await expectAlerts(at(1, '08:01'), []);

    o.now = at(1, '09:00');
    await stepAway(c2, kasia, 0);
    o.now = at(1, '09:05');
    await c2.comeBack();
    o.now = at(1, '09:30');
    await c2.serve(3); // credited to Katarzyna, at counter 2 today

    // Anna leaves on an errand; Ewa arrives and badges in at her counter.
    o.now = at(1, '10:00');
    await stepAway(c1, anna, 2);
    o.now = at(1, '10:10');
    await c1.badge(ewa);
    if (c1.status !== 'away') await c1.becomes(c1.status); // a takeover may free the counter at once
    await o.settle();
    o.now = at(1, '10:20');
    if (c1.status === 'away') await c1.comeBack(); // she takes the counter
    await o.settle();
    expect(c1.running.machineState.clerk?.name).toBe(ewa.name);
    o.now = at(1, '10:30');
    await c1.serve(4); // credited to Ewa, not to Anna who signed in there first
    o.now = at(1, '11:00');
    await stepAway(c1, ewa, 0); // signed by Ewa, not Anna
    o.now = at(1, '11:05');
    await c1.comeBack();
    await expectAlerts(at(1, '11:10'), []);

    // Piotr is late: the third away alert of the two days.
    o.now = at(1, '13:00');
    await stepAway(c3, piotr, 0);
    await expectAlerts(at(1, '13:09'), ['away_overdue okienko-3']);
    o.now = at(1, '13:20');
    await c3.comeBack();
    await expectAlerts(o.now, []);

    o.now = at(1, '16:00');
    for (const c of o.counters) await c.becomes('closed');
    await expectAlerts(at(1, '17:00'), []);
  });

  it('the alert history holds each situation each time it arose, and nothing else', async () => {
    const history = (await o.allAlerts()).map((a) => ({ key: `${a.kind}${a.counter ? ` ${a.counter}` : ''}`, raisedAt: a.raisedAt, clearedAt: a.clearedAt }));
    expect(history).toEqual(expected);
    const count = (key: string) => expected.filter((e) => e.key === key).length;
    expect([count('no_counter_available'), count('away_overdue okienko-1'), count('offline okienko-3'), count('unhappy_run okienko-2'), count('clock_unsynced okienko-3')]).toEqual([2, 2, 2, 2, 2]);
  });

  it("each counter's time in each state is the script's and adds up to the opening hours, each day", async () => {
    for (const day of [0, 1] as const) {
      const [from, to] = OPEN(day);
      const rows = (await report(from, to)).rows;
      expect(rows.map((r) => r.group)).toEqual(['ratusz/okienko-1', 'ratusz/okienko-2', 'ratusz/okienko-3']);
      for (const c of o.counters) {
        const row = rows.find((r) => r.group === `ratusz/${c.id}`)!;
        expect(row.ms, `${c.id} on day ${day + 1}`).toEqual(expectedTimes(c.timeline, from, to));
        expect(Object.values(row.ms).reduce((a, b) => a + b, 0)).toBe(8 * 60 * MIN);
      }
    }
  });

  it("each vote is credited to the clerk who served, each day", async () => {
    const votes = async (day: 0 | 1) => {
      const [from, to] = OPEN(day);
      const r = (await o.api.json(`/api/reports/feedback?from=${from}&to=${to}&groupBy=clerk`)) as { rows: { group: string; votes: number }[] };
      return Object.fromEntries(r.rows.map((row) => [row.group, row.votes]));
    };
    expect(await votes(0)).toEqual({ [anna.name]: 1, [piotr.name]: 8, [kasia.name]: 1 });
    expect(await votes(1)).toEqual({ [kasia.name]: 1, [ewa.name]: 1 });
  });

  it('every notice was signed by the clerk who left; none named its signer', () => {
    expect(notices.length).toBe(13);
    for (const n of notices) expect(n.substitute).not.toBe(n.signedBy);
  });
});
