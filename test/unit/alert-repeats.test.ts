import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { AwayNotice, CounterEvent, CounterRef, CounterState } from '@okienko/protocol';
import { SqliteStore, projectEvent } from '@okienko/broker-bridge';
import { AlertEngine } from '../../broker-bridge/alerts/engine.ts';
import { DEFAULT_RULES, alertConditions, rememberVote, type RecentVote } from '../../broker-bridge/alerts/rules.ts';
import { LiveHub } from '../../broker-bridge/live/hub.ts';
import { projectAvailability, projectState } from '../../broker-bridge/ingest/projection.ts';
import { type AlertRecord, type CounterRow } from '../../broker-bridge/store/types.ts';
import { REF, availability, feedback, stateChange } from '../helpers/messages.ts';
import { updateCounter } from '../helpers/store-writes.ts';

// Every situation happens twice here: raised, cleared, raised again — and never twice while it lasts.

const T = Date.UTC(2026, 10, 20, 9, 0);
const MIN = 60_000;
const anna = { id: 'k1', name: 'Anna Nowak' };
const OTHER: CounterRef = { site: REF.site, counter: 'okienko-2' };

function row(ref: CounterRef, over: Partial<CounterRow> = {}): CounterRow {
  return {
    ...ref, status: 'available', online: true, bootId: 'boot-1', clerk: anna, since: T - MIN, notice: null, seq: 1, scale: 4,
    lastSeen: T, panelUrl: null, version: null, health: { outboxPending: 0, outboxRefused: 0 }, clockSynced: true, inHours: null, ...over,
  };
}
const notice = (backAt: number): AwayNotice => ({ backAt, reason: 'break', substitute: null, signedBy: anna });

/** The alert engine on a real (in-memory) store, on a clock the test moves; `changes()` says what it raised and cleared since last asked. */
function office() {
  const store = new SqliteStore(':memory:');
  let now = T;
  const seen: AlertRecord[] = [];
  const engine = new AlertEngine(store, new LiveHub(store, 'Europe/Warsaw', () => now), pino({ level: 'silent' }), (a) => seen.push(a), DEFAULT_RULES, () => now);
  let told = 0;
  return {
    store,
    engine,
    at: (ms: number) => void (now = ms),
    set: (ref: CounterRef, patch: Partial<CounterRow>) => updateCounter(store, ref, (r) => ({ ...(r ?? row(ref)), ...patch })),
    /** One check (twice: a second check in the same situation must change nothing), then what changed. */
    check: async (): Promise<string[]> => {
      await engine.check();
      await engine.check();
      const out = seen.slice(told).map((a) => `${a.clearedAt === null ? 'raised' : 'cleared'} ${a.kind}${a.counter ? ` ${a.counter}` : ''}`);
      told = seen.length;
      return out;
    },
    alerts: async (kind: string) => (await store.listAlerts({ kind, limit: 100 })).reverse(),
  };
}

describe('each alert, each time its situation arises (engine and store together)', () => {
  it('no counter available (S5): the second time all of a site is away, a second alert', async () => {
    const o = office();
    await o.set(REF, { status: 'available' });
    await o.set(OTHER, { status: 'available' });
    expect(await o.check()).toEqual([]);
    await o.set(REF, { status: 'away', notice: notice(T + 30 * MIN) });
    await o.set(OTHER, { status: 'away', notice: notice(T + 30 * MIN) });
    expect(await o.check()).toEqual(['raised no_counter_available']);
    o.at(T + 5 * MIN);
    expect(await o.check()).toEqual([]); // it lasts: nothing new
    await o.set(OTHER, { status: 'available', notice: null });
    expect(await o.check()).toEqual(['cleared no_counter_available']);
    o.at(T + 10 * MIN);
    await o.set(OTHER, { status: 'away', notice: notice(T + 40 * MIN) });
    expect(await o.check()).toEqual(['raised no_counter_available']);
    const history = await o.alerts('no_counter_available');
    expect(history.map((a) => [a.raisedAt, a.clearedAt])).toEqual([[T, T + 5 * MIN], [T + 10 * MIN, null]]);
  });

  it('closing time: no "no counter available" while the last counter\'s event is in and its state is not yet', async () => {
    const o = office();
    for (const day of [0, 1]) {
      const t = T + day * 86_400_000;
      o.at(t);
      await o.set(REF, { status: 'available', inHours: true, seq: 1 + day * 10 });
      await o.set(OTHER, { status: 'available', inHours: true, seq: 1 + day * 10 });
      expect(await o.check()).toEqual([]);
      // The hours close both; their events arrive before the retained states that carry inHours.
      for (const [i, ref] of [REF, OTHER].entries()) {
        const closing: CounterEvent = { ...stateChange(2 + day * 10 + i, 'closed'), ...ref, at: t + 1000, cause: 'schedule' } as CounterEvent;
        await updateCounter(o.store, ref, (r) => projectEvent(r, closing, t + 1000));
        expect(await o.check(), `day ${day + 1}, after ${ref.counter} closed`).toEqual([]);
      }
    }
    expect(await o.alerts('no_counter_available')).toEqual([]);
  });

  it('away past the announced return: each absence its own alert', async () => {
    const o = office();
    await o.set(OTHER, { status: 'available' }); // someone is there: no S5 alert in the way
    await o.set(REF, { status: 'away', notice: notice(T + 5 * MIN) });
    o.at(T + 5 * MIN + DEFAULT_RULES.overdueGraceMs);
    expect(await o.check()).toEqual([]); // not yet past the grace
    o.at(T + 5 * MIN + DEFAULT_RULES.overdueGraceMs + 1);
    expect(await o.check()).toEqual(['raised away_overdue okienko-1']);
    o.at(T + 20 * MIN);
    expect(await o.check()).toEqual([]);
    await o.set(REF, { status: 'available', notice: null });
    expect(await o.check()).toEqual(['cleared away_overdue okienko-1']);
    await o.set(REF, { status: 'away', notice: notice(T + 30 * MIN) });
    o.at(T + 40 * MIN);
    expect(await o.check()).toEqual(['raised away_overdue okienko-1']);
    expect((await o.alerts('away_overdue')).map((a) => a.facts.at)).toEqual([T + 5 * MIN, T + 30 * MIN]);
  });

  it('a device backlog, a full disk, an unsynchronised clock: cleared, and raised again when they come back', async () => {
    const o = office();
    await o.set(OTHER, {});
    const sick = { health: { outboxPending: DEFAULT_RULES.backlogThreshold + 1, outboxRefused: 3, diskFull: true }, clockSynced: false };
    const well = { health: { outboxPending: 0, outboxRefused: 3 }, clockSynced: true };
    await o.set(REF, sick);
    expect((await o.check()).sort()).toEqual(['raised clock_unsynced okienko-1', 'raised disk_full okienko-1', 'raised outbox_backlog okienko-1']);
    await o.set(REF, well);
    expect((await o.check()).sort()).toEqual(['cleared clock_unsynced okienko-1', 'cleared disk_full okienko-1', 'cleared outbox_backlog okienko-1']);
    await o.set(REF, sick);
    expect((await o.check()).sort()).toEqual(['raised clock_unsynced okienko-1', 'raised disk_full okienko-1', 'raised outbox_backlog okienko-1']);
  });

  it('a clock alert that cleared while its counter was offline comes back with the counter, the clock still unsynchronised', async () => {
    const o = office();
    await o.set(OTHER, {});
    await o.set(REF, { clockSynced: false });
    expect(await o.check()).toEqual(['raised clock_unsynced okienko-1']);
    await updateCounter(o.store, REF, (r) => projectAvailability(r, availability('offline', 'boot-1'), T));
    expect(await o.check()).toEqual(['cleared clock_unsynced okienko-1']); // offline within its grace: nothing else
    await updateCounter(o.store, REF, (r) => projectAvailability(r, availability('online', 'boot-2'), T + 30_000));
    o.at(T + 30_000);
    expect(await o.check()).toEqual(['raised clock_unsynced okienko-1']);
    expect(await o.alerts('clock_unsynced')).toHaveLength(2);
  });

  it('an unsynchronised clock: a Pi waiting for NTP after a boot is not news; one that stays so is, each time', async () => {
    const o = office();
    await o.set(OTHER, {});
    await o.set(REF, {});
    const state = (clockSynced: boolean, at: number): CounterState => ({ v: 1, ...REF, status: 'available', since: T, clerk: anna, notice: null, seq: 1, at, clockSynced, scale: 4 });
    const booted = (bootId: string, at: number) => updateCounter(o.store, REF, (r) => projectAvailability(r, availability('online', bootId), at));
    const said = (clockSynced: boolean, at: number) => updateCounter(o.store, REF, (r) => projectState(r, state(clockSynced, at), at));
    // A boot: unsynchronised for a minute, then NTP answers. Nothing, ever.
    await booted('boot-1', T);
    await said(false, T);
    o.at(T + MIN);
    expect(await o.check()).toEqual([]);
    await said(true, T + 2 * MIN);
    o.at(T + 20 * MIN);
    expect(await o.check()).toEqual([]);
    // The next boot's clock never synchronises: raised once past the grace, not before, not twice.
    const boot2 = T + 30 * MIN;
    await booted('boot-2', boot2);
    await said(false, boot2);
    await said(false, boot2 + MIN); // its next report keeps the start of it
    o.at(boot2 + DEFAULT_RULES.clockGraceMs);
    expect(await o.check()).toEqual([]);
    o.at(boot2 + DEFAULT_RULES.clockGraceMs + 1);
    expect(await o.check()).toEqual(['raised clock_unsynced okienko-1']);
    // It reboots, still unsynchronised: cleared while offline, back at once (still unsynchronised is not new).
    await updateCounter(o.store, REF, (r) => projectAvailability(r, availability('offline', 'boot-2'), boot2 + 10 * MIN));
    o.at(boot2 + 10 * MIN);
    expect(await o.check()).toEqual(['cleared clock_unsynced okienko-1']);
    await booted('boot-3', boot2 + 10 * MIN + 20_000);
    await said(false, boot2 + 10 * MIN + 20_000);
    o.at(boot2 + 11 * MIN);
    expect(await o.check()).toEqual(['raised clock_unsynced okienko-1']);
    // Synchronised at last: cleared; unsynchronised again later starts a new grace.
    await said(true, boot2 + 12 * MIN);
    o.at(boot2 + 12 * MIN);
    expect(await o.check()).toEqual(['cleared clock_unsynced okienko-1']);
    await booted('boot-4', boot2 + 60 * MIN);
    await said(false, boot2 + 60 * MIN);
    o.at(boot2 + 60 * MIN + MIN);
    expect(await o.check()).toEqual([]);
    expect(await o.alerts('clock_unsynced')).toHaveLength(2);
  });

  it('offline: the grace counts from the disconnect, not from the last message; each outage past it its own alert', async () => {
    const o = office();
    await o.set(OTHER, {});
    // Quiet for ten minutes (no message), then it reboots: away for 20 s, well within the grace.
    await o.set(REF, { lastSeen: T - 10 * MIN });
    await updateCounter(o.store, REF, (r) => projectAvailability(r, availability('offline', 'boot-1'), T));
    o.at(T + 1000);
    expect(await o.check()).toEqual([]);
    await updateCounter(o.store, REF, (r) => projectAvailability(r, availability('online', 'boot-2'), T + 20_000));
    o.at(T + 5 * MIN);
    expect(await o.check()).toEqual([]); // back within the grace: nothing, ever

    // A real outage: raised once past the grace, however long it lasts, even if its will comes again.
    const down = T + 10 * MIN;
    await updateCounter(o.store, REF, (r) => projectAvailability(r, availability('offline', 'boot-2'), down));
    o.at(down + DEFAULT_RULES.offlineGraceMs);
    expect(await o.check()).toEqual([]);
    o.at(down + DEFAULT_RULES.offlineGraceMs + 1);
    expect(await o.check()).toEqual(['raised offline okienko-1']);
    await updateCounter(o.store, REF, (r) => projectAvailability(r, availability('offline', 'boot-2'), down + 5 * MIN)); // redelivered, retained
    o.at(down + 10 * MIN);
    expect(await o.check()).toEqual([]);
    await updateCounter(o.store, REF, (r) => projectAvailability(r, availability('online', 'boot-3'), down + 11 * MIN));
    o.at(down + 11 * MIN);
    expect(await o.check()).toEqual(['cleared offline okienko-1']);

    // The next outage past the grace: a second alert.
    const again = T + 30 * MIN;
    await updateCounter(o.store, REF, (r) => projectAvailability(r, availability('offline', 'boot-3'), again));
    o.at(again + 2 * MIN);
    expect(await o.check()).toEqual(['raised offline okienko-1']);
    expect((await o.alerts('offline')).map((a) => [a.raisedAt, a.clearedAt])).toEqual([[down + DEFAULT_RULES.offlineGraceMs + 1, down + 11 * MIN], [again + 2 * MIN, null]]);
  });

  it('a run of unhappy votes: one alert however long the run, a new one for the next run', async () => {
    const o = office();
    await o.set(REF, {});
    for (const seq of [1, 2, 3]) o.engine.event(feedback(seq, { face: 1 }));
    expect(await o.check()).toEqual(['raised unhappy_run okienko-1']);
    o.engine.event(feedback(4, { face: 2 })); // the run goes on
    o.engine.event(feedback(5, { face: 1 }));
    expect(await o.check()).toEqual([]);
    o.engine.event(feedback(6, { face: 4 }));
    expect(await o.check()).toEqual(['cleared unhappy_run okienko-1']);
    for (const seq of [7, 8, 9]) o.engine.event(feedback(seq, { face: 1 }));
    expect(await o.check()).toEqual(['raised unhappy_run okienko-1']);
    expect((await o.alerts('unhappy_run')).map((a) => a.key)).toEqual(['ratusz/okienko-1/unhappy_run/1', 'ratusz/okienko-1/unhappy_run/7']);
  });
});

describe('two bridges sharing the stream and the store', () => {
  it('raise an unhappy run once, though each sees only its share of the votes and they disagree', async () => {
    const store = new SqliteStore(':memory:');
    let now = T;
    const raised: AlertRecord[] = [];
    const engine = () => new AlertEngine(store, new LiveHub(store, 'Europe/Warsaw', () => now), pino({ level: 'silent' }), (a) => a.clearedAt === null && raised.push(a), DEFAULT_RULES, () => now);
    const [a, b] = [engine(), engine()];
    await updateCounter(store, REF, () => row(REF));
    // The broker hands votes 1, 3, 5 to one bridge and 2, 4 to the other (a shared subscription).
    for (const seq of [1, 3, 5]) a.event(feedback(seq, { face: 1 }));
    for (const seq of [2, 4]) b.event(feedback(seq, { face: 4 }));
    for (let i = 0; i < 5; i++) {
      now += 15_000;
      await a.check(); // sees a run
      await b.check(); // sees none, and clears it
    }
    expect(raised.map((x) => x.key)).toEqual(['ratusz/okienko-1/unhappy_run/1']);
  });
});

describe('alert keys: the same while a situation lasts, new for a new one', () => {
  // Beside a counter that is free, so no S5 alert joins in.
  const keys = (rows: CounterRow[], votes: Map<string, RecentVote[]> = new Map(), now = T) =>
    alertConditions(
      [row(OTHER), ...rows].map((r) => ({ ...r, status: r.online ? r.status : 'offline', lastStatus: r.status, feedbackToday: {} })),
      votes,
      now,
    ).map((c) => c.key);

  it('offline: keyed by when the bridge learned of the outage, whatever comes after', () => {
    const down = projectAvailability(row(REF), availability('offline', 'boot-1'), T)!;
    const key = keys([down], new Map(), T + 2 * MIN);
    expect(key).toEqual([`ratusz/okienko-1/offline/${T}`]);
    // A retained state or will delivered again moves lastSeen, not the outage.
    const later = projectAvailability({ ...down, lastSeen: T + MIN }, availability('offline', 'boot-1'), T + MIN)!;
    expect(keys([later], new Map(), T + 3 * MIN)).toEqual(key);
    // Another outage, another key.
    const back = projectAvailability(later, availability('online', 'boot-2'), T + 4 * MIN)!;
    expect(back.offlineAt).toBeNull();
    const next = projectAvailability(back, availability('offline', 'boot-2'), T + 5 * MIN)!;
    expect(keys([next], new Map(), T + 7 * MIN)).toEqual([`ratusz/okienko-1/offline/${T + 5 * MIN}`]);
  });

  it('unhappy run: keyed by its first vote, however many follow and however many the rule keeps', () => {
    const votes = new Map<string, RecentVote[]>();
    const at = (n: number) => {
      for (let seq = 1; seq <= n; seq++) rememberVote(votes, feedback(seq, { face: 1 }));
      return keys([row(REF)], votes);
    };
    expect(at(3)).toEqual(['ratusz/okienko-1/unhappy_run/1']);
    votes.clear();
    expect(at(25)).toEqual(['ratusz/okienko-1/unhappy_run/1']); // 25 in a row, 10 kept: still the run that began at 1
    rememberVote(votes, feedback(26, { face: 3 }));
    for (const seq of [27, 28, 29]) rememberVote(votes, feedback(seq, { face: 2 }));
    expect(keys([row(REF)], votes)).toEqual(['ratusz/okienko-1/unhappy_run/27']);
  });

  it('away overdue: one per notice', () => {
    const away = (backAt: number) => row(REF, { status: 'away', notice: notice(backAt) });
    const late = T - DEFAULT_RULES.overdueGraceMs - 1;
    expect(keys([away(late)], new Map(), T)).toEqual(keys([away(late)], new Map(), T + 30 * MIN));
    expect(keys([away(late)])).not.toEqual(keys([away(late - MIN)]));
  });
});
