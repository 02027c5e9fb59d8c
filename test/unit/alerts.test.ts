import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { CounterView } from '@okienko/protocol';
import { SqliteStore } from '@okienko/broker-bridge';
import { AlertEngine } from '../../broker-bridge/alerts/engine.ts';
import { DEFAULT_RULES, alertConditions, rememberVote } from '../../broker-bridge/alerts/rules.ts';
import { LiveHub } from '../../broker-bridge/live/hub.ts';
import { type AlertRecord } from '../../broker-bridge/store/types.ts';
import { REF, feedback } from '../helpers/messages.ts';
import { updateCounter } from '../helpers/store-writes.ts';

const T = Date.UTC(2026, 10, 20, 9, 0);
const clerk = { id: 'k1', name: 'Anna Nowak' };

function counter(over: Partial<CounterView> = {}): CounterView {
  return {
    ...REF, status: 'available', lastStatus: 'available', online: true, clerk, since: T - 60_000, notice: null, seq: 1, scale: 4,
    lastSeen: T, panelUrl: null, version: null, feedbackToday: {}, health: { outboxPending: 0, outboxRefused: 0 }, clockSynced: true, ...over,
  };
}
const kinds = (cs: { kind: string }[]) => cs.map((c) => c.kind).sort();
const away = (backAt: number) => counter({ status: 'away', lastStatus: 'away', notice: { backAt, reason: 'break', substitute: null, signedBy: clerk } });

describe('alert rules', () => {
  it('raises "away overdue" only past the announced time and its grace', () => {
    const c = [away(T - DEFAULT_RULES.overdueGraceMs + 1), counter({ counter: 'okienko-2' })];
    expect(kinds(alertConditions(c, new Map(), T))).toEqual([]);
    const late = [away(T - DEFAULT_RULES.overdueGraceMs - 1), counter({ counter: 'okienko-2' })];
    expect(alertConditions(late, new Map(), T)[0]).toMatchObject({ kind: 'away_overdue', counter: 'okienko-1' });
  });

  it('raises "no counter available" at an open site where no one is free or serving (S5)', () => {
    const site = [away(T + 600_000), counter({ counter: 'okienko-2', status: 'offline', lastStatus: 'available', online: false, lastSeen: T })];
    expect(kinds(alertConditions(site, new Map(), T))).toEqual(['no_counter_available']);
    // All closed: the office is shut, nobody should be there.
    const shut = [counter({ status: 'closed', lastStatus: 'closed' }), counter({ counter: 'okienko-2', status: 'closed', lastStatus: 'closed' })];
    expect(alertConditions(shut, new Map(), T)).toEqual([]);
    // All closed by hand while the counters' own hours say open: nobody is there for residents.
    const walkedOut = shut.map((c) => ({ ...c, inHours: true }));
    expect(kinds(alertConditions(walkedOut, new Map(), T))).toEqual(['no_counter_available']);
    expect(alertConditions(shut.map((c) => ({ ...c, inHours: false })), new Map(), T)).toEqual([]);
  });

  it('raises "offline" after its grace, device backlog, a full disk and unsynchronised clocks', () => {
    const list = [
      counter({ status: 'offline', online: false, lastSeen: T - DEFAULT_RULES.offlineGraceMs - 1 }),
      counter({ counter: 'okienko-2', health: { outboxPending: DEFAULT_RULES.backlogThreshold + 1, outboxRefused: 0 } }),
      counter({ counter: 'okienko-3', clockSynced: false }),
      counter({ counter: 'okienko-4', health: { outboxPending: 0, outboxRefused: 2, diskFull: true } }),
    ];
    expect(kinds(alertConditions(list, new Map(), T))).toEqual(['clock_unsynced', 'disk_full', 'offline', 'outbox_backlog']);
  });

  it('raises a run of unhappy votes, not counting flagged ones', () => {
    const votes = new Map();
    for (const [seq, face, flagged] of [[1, 1, false], [2, 2, false], [3, 4, true], [4, 1, false]] as const) rememberVote(votes, feedback(seq, { face, flagged }));
    expect(alertConditions([counter()], votes, T)).toEqual([expect.objectContaining({ kind: 'unhappy_run', key: 'ratusz/okienko-1/unhappy_run/1' })]);
    rememberVote(votes, feedback(5, { face: 3 }));
    expect(alertConditions([counter()], votes, T)).toEqual([]);
  });
});

describe('the alert engine', () => {
  it('stores a new situation once, tells the dashboards, and clears it when it ends', async () => {
    const store = new SqliteStore(':memory:');
    const hub = new LiveHub(store, 'Europe/Warsaw');
    let now = T;
    const changes: AlertRecord[] = [];
    const engine = new AlertEngine(store, hub, pino({ level: 'silent' }), (a) => changes.push(a), DEFAULT_RULES, () => now);
    const votes = [1, 2, 3].map((seq) => feedback(seq, { face: 1 }));
    for (const v of votes) engine.event(v);
    await updateCounter(store, REF, () => ({ ...counter(), bootId: 'b', status: 'available' }) as never);
    await engine.check();
    await engine.check(); // the same situation: no second alert
    expect(changes.map((a) => [a.kind, a.clearedAt])).toEqual([['unhappy_run', null]]);
    engine.event(feedback(4, { face: 4 }));
    now += 1000;
    await engine.check();
    expect(changes.map((a) => [a.kind, a.clearedAt])).toEqual([['unhappy_run', null], ['unhappy_run', now]]);
    const [stored] = await store.listAlerts({ limit: 10 });
    expect(await store.ackAlert(stored!.id, 'kierownik', 'porozmawiam z Anną', now)).toMatchObject({ ackedBy: 'kierownik', comment: 'porozmawiam z Anną' });
  });
});
