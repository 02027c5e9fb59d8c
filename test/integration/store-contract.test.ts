import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { pino } from 'pino';
import { counterTopic } from '@okienko/protocol';
import { PostgresStore, SqliteStore, projectEvent, type Store, type WriteOp } from '@okienko/broker-bridge';
import { Ingest } from '../../broker-bridge/ingest/ingest.ts';
import { counterKey, type WriteResult } from '../../broker-bridge/store/types.ts';
import { effectiveTime, projectAvailability } from '../../broker-bridge/ingest/projection.ts';
import { freshDatabase, startPostgres, type Postgres } from '../helpers/postgres.ts';
import { waitFor } from '../helpers/net.ts';
import { REF, availability, buf, feedback, stateChange } from '../helpers/messages.ts';

let server: Postgres;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => server?.stop());

/** Each store, opened on a fresh database; `reopen` opens the same data again (a restart). */
const stores: Record<string, () => Promise<{ store: Store; reopen(): Promise<Store> }>> = {
  SQLite: async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-store-')), 'okienko.db');
    return { store: new SqliteStore(file), reopen: async () => new SqliteStore(file) };
  },
  PostgreSQL: async () => {
    const url = await freshDatabase(server.url);
    return { store: await PostgresStore.open(url), reopen: () => PostgresStore.open(url) };
  },
};

const at = Date.UTC(2026, 10, 20, 9, 0);
/** REF's votes per face since `from`. */
const votesAt = async (store: Store, from: number) => (await store.feedbackCounts([REF], from)).get(counterKey(REF));
const times = (t: number) => ({ receivedAt: t + 5, effectiveAt: t });

describe.each(Object.entries(stores))('Store contract: %s', (_name, open) => {
  it('stores an event once, however often it comes, and moves the counter in the same step', async () => {
    const { store } = await open();
    const e = stateChange(1, 'serving');
    const first = await store.recordEvent(e, times(at), (row) => projectEvent(row, e, at));
    expect(first.outcome).toBe('stored');
    expect(first.row).toMatchObject({ site: REF.site, counter: REF.counter, status: 'serving', seq: 1 });
    const again = await store.recordEvent(e, times(at), (row) => projectEvent(row, e, at));
    expect(again).toEqual({ outcome: 'duplicate', row: null, previous: expect.objectContaining({ status: 'serving', seq: 1 }) });
    expect(await store.listEvents({ limit: 10 })).toHaveLength(1);
    await store.close();
  });

  it('filters and orders events by counter, type and time, and gives back what it was given', async () => {
    const { store } = await open();
    const a = feedback(1, { at, face: 2 });
    const b = feedback(2, { at: at + 60_000, face: 4 });
    const c = { ...feedback(1, { at: at + 30_000 }), counter: 'okienko-2' } as typeof a;
    for (const e of [b, a, c]) await store.recordEvent(e, times(e.at), (row) => projectEvent(row, e, e.at));
    expect((await store.listEvents({ limit: 10 })).map((s) => s.event.id)).toEqual([a.id, c.id, b.id]);
    expect((await store.listEvents({ counter: 'okienko-1', limit: 10 })).map((s) => s.event.seq)).toEqual([1, 2]);
    expect((await store.listEvents({ from: at + 1, to: at + 60_000, limit: 10 })).map((s) => s.event.id)).toEqual([c.id]);
    expect((await store.listEvents({ type: 'state_changed', limit: 10 }))).toEqual([]);
    const [first] = await store.listEvents({ limit: 1 });
    expect(first).toEqual({ event: a, receivedAt: at + 5, effectiveAt: at });
    await store.close();
  });

  it('gives each counter\'s last state change before a time: one per counter, the later of two at one moment, however long ago', async () => {
    const { store } = await open();
    const H = 3_600_000;
    const other = { site: REF.site, counter: 'okienko-2' };
    const filia = { site: 'filia', counter: 'okienko-1' };
    const votes = { site: 'filia', counter: 'okienko-9' };
    const change = (ref: typeof REF, seq: number, to: 'available' | 'serving' | 'away' | 'closed', t: number) => ({ ...stateChange(seq, to), ...ref, at: t });
    const events = [
      change(REF, 1, 'available', at - 3 * H),
      feedback(2, { at: at - 2 * H }),
      change(REF, 3, 'serving', at - H),
      change(REF, 4, 'away', at - H), // the same moment: the later in the counter's order
      feedback(5, { at: at - 60_000 }),
      change(REF, 6, 'available', at), // at the time itself: not before it
      change(REF, 7, 'closed', at + H),
      change(other, 1, 'away', at + 60_000), // only after
      change(filia, 1, 'serving', at - 40 * 86_400_000),
      { ...feedback(1, { at: at - H }), ...votes }, // votes, never a state change
    ];
    for (const e of events) await store.recordEvent(e, times(e.at), (row) => projectEvent(row, e, e.at));
    const last = await store.lastStateChanges(at);
    expect(last.map((s) => [s.event.site, s.event.counter, s.event.seq])).toEqual([['filia', 'okienko-1', 1], ['ratusz', 'okienko-1', 4]]);
    expect(last[1]).toEqual({ event: events[3], receivedAt: at - H + 5, effectiveAt: at - H });
    expect((await store.lastStateChanges(at + 1)).map((s) => s.event.seq)).toEqual([1, 6]);
    expect((await store.lastStateChanges(at + 2 * H)).map((s) => `${s.event.counter}@${s.event.site}:${s.event.seq}`)).toEqual(['okienko-1@filia:1', 'okienko-1@ratusz:7', 'okienko-2@ratusz:1']);
    expect(await store.lastStateChanges(at - 41 * 86_400_000)).toEqual([]);
    await store.close();
  });

  it('counts today\'s votes per face, leaving out flagged ones', async () => {
    const { store } = await open();
    const votes = [feedback(1, { at, face: 4 }), feedback(2, { at: at + 1000, face: 4 }), feedback(3, { at: at + 2000, face: 1, flagged: true }), feedback(4, { at: at - 86_400_000, face: 3 })];
    for (const e of votes) await store.recordEvent(e, times(e.at), (row) => projectEvent(row, e, e.at));
    expect(await votesAt(store, at - (at % 3_600_000))).toEqual({ '4': 2 });
    await store.close();
  });

  it('counts votes for many counters in one call: each once, however often asked for, and none as {}', async () => {
    const { store } = await open();
    const other = { site: REF.site, counter: 'okienko-2' };
    const votes = [feedback(1, { at, face: 4 }), feedback(2, { at, face: 2 }), { ...feedback(1, { at, face: 1 }), ...other }];
    for (const e of votes) await store.recordEvent(e, times(e.at), (row) => projectEvent(row, e, e.at));
    const quiet = { site: 'elsewhere', counter: 'okienko-9' };
    const counts = await store.feedbackCounts([REF, other, REF, quiet], at);
    expect(Object.fromEntries(counts)).toEqual({ [counterKey(REF)]: { '4': 1, '2': 1 }, [counterKey(other)]: { '1': 1 }, [counterKey(quiet)]: {} });
    expect((await store.feedbackCounts([], at)).size).toBe(0);
    await store.close();
  });

  it('keeps counters and events across a restart', async () => {
    const { store, reopen } = await open();
    const online = availability('online', 'boot-1');
    await store.updateCounter(REF, (row) => projectAvailability(row, online, at));
    const e = feedback(1, { at });
    await store.recordEvent(e, times(at), (row) => projectEvent(row, e, at));
    await store.close();
    const again = await reopen();
    expect(await again.getCounter(REF.site, REF.counter)).toMatchObject({ online: true, bootId: 'boot-1' });
    expect(await again.listCounters()).toHaveLength(1);
    expect(await again.listEvents({ limit: 10 })).toHaveLength(1);
    await again.close();
  });

  it('keeps one alert per situation, clears it when it ends, and records who acknowledged it', async () => {
    const { store } = await open();
    const c = { key: 'ratusz/okienko-1/offline/1', kind: 'offline' as const, site: 'ratusz', counter: 'okienko-1', message: 'offline', facts: { at: at - 5 } };
    const raised = await store.raiseAlert(c, at);
    expect(raised).toMatchObject({ ...c, raisedAt: at, clearedAt: null, ackedAt: null });
    expect(await store.raiseAlert(c, at + 1)).toBeNull();
    expect(await store.clearAlerts([c.key], at + 2)).toEqual([]);
    expect((await store.listAlerts({ open: true, limit: 10 })).map((a) => a.key)).toEqual([c.key]);
    const cleared = await store.clearAlerts([], at + 3);
    expect(cleared).toEqual([expect.objectContaining({ key: c.key, clearedAt: at + 3 })]);
    expect(await store.listAlerts({ open: true, limit: 10 })).toEqual([]);
    expect(await store.ackAlert(raised!.id, 'kierownik', 'wymieniony kabel', at + 4)).toMatchObject({ ackedBy: 'kierownik', comment: 'wymieniony kabel', ackedAt: at + 4 });
    expect(await store.ackAlert('00000000-0000-4000-8000-000000000000', 'x', '', at)).toBeNull();
    await store.close();
  });

  it('raises a situation again once it cleared, never twice while it is open', async () => {
    const { store } = await open();
    const c = { key: 'ratusz/no_counter_available', kind: 'no_counter_available' as const, site: 'ratusz', counter: null, message: 'nobody', facts: {} };
    const first = await store.raiseAlert(c, at);
    expect(first).toMatchObject({ key: c.key, raisedAt: at, clearedAt: null });
    expect(await store.raiseAlert(c, at + 1)).toBeNull();
    expect(await store.clearAlerts([], at + 2)).toEqual([expect.objectContaining({ id: first!.id, clearedAt: at + 2 })]);
    // The same situation again: a new alert, the old one kept as it ended.
    const second = await store.raiseAlert(c, at + 3);
    expect(second).toMatchObject({ key: c.key, raisedAt: at + 3, clearedAt: null });
    expect(second!.id).not.toBe(first!.id);
    expect(await store.raiseAlert(c, at + 4)).toBeNull();
    expect(await store.clearAlerts([c.key], at + 5)).toEqual([]);
    expect((await store.listAlerts({ limit: 10 })).map((a) => [a.id, a.raisedAt, a.clearedAt])).toEqual([
      [second!.id, at + 3, null],
      [first!.id, at, at + 2],
    ]);
    // And a third time, after the second cleared.
    await store.clearAlerts([], at + 6);
    expect(await store.raiseAlert(c, at + 7)).toMatchObject({ raisedAt: at + 7 });
    expect(await store.listAlerts({ open: true, limit: 10 })).toHaveLength(1);
    await store.close();
  });

  it('raises a condition whose key names one occurrence (once) never again, even after it cleared', async () => {
    const { store } = await open();
    const run = { key: 'ratusz/okienko-1/unhappy_run/7', kind: 'unhappy_run' as const, site: 'ratusz', counter: 'okienko-1', message: 'run', facts: { count: 3 }, once: true as const };
    expect(await store.raiseAlert(run, at)).toMatchObject({ key: run.key, raisedAt: at });
    expect(await store.raiseAlert(run, at + 1)).toBeNull();
    await store.clearAlerts([], at + 2);
    expect(await store.raiseAlert(run, at + 3)).toBeNull();
    expect(await store.raiseAlert({ ...run, key: 'ratusz/okienko-1/unhappy_run/12' }, at + 4)).toMatchObject({ raisedAt: at + 4 });
    expect((await store.listAlerts({ kind: 'unhappy_run', limit: 10 })).map((a) => a.key)).toEqual(['ratusz/okienko-1/unhappy_run/12', run.key]);
    await store.close();
  });

  it('raises an open situation once between two bridges sharing the store', async () => {
    const { store, reopen } = await open();
    const other = await reopen();
    const c = { key: 'ratusz/okienko-1/clock_unsynced', kind: 'clock_unsynced' as const, site: 'ratusz', counter: 'okienko-1', message: 'clock', facts: {} };
    for (const t of [at, at + 10]) {
      const raised = await Promise.all([store.raiseAlert(c, t), other.raiseAlert(c, t), store.raiseAlert(c, t), other.raiseAlert(c, t)]);
      expect(raised.filter((r) => r !== null)).toHaveLength(1);
      await other.clearAlerts([], t + 5);
    }
    expect((await store.listAlerts({ limit: 10 })).map((a) => a.raisedAt)).toEqual([at + 10, at]);
    await other.close();
    await store.close();
  });

  it('lists the alert history by site, kind and when raised, newest first', async () => {
    const { store } = await open();
    const raise = (site: string, kind: 'offline' | 'unhappy_run', t: number) =>
      store.raiseAlert({ key: `${site}/${kind}/${t}`, kind, site, counter: 'okienko-1', message: kind, facts: kind === 'unhappy_run' ? { count: 3 } : {} }, t);
    await raise('ratusz', 'offline', at);
    await raise('ratusz', 'unhappy_run', at + 10);
    await raise('filia', 'offline', at + 20);
    await store.clearAlerts([`filia/offline/${at + 20}`], at + 30);
    const keys = async (f: Parameters<typeof store.listAlerts>[0]) => (await store.listAlerts(f)).map((a) => a.key);
    expect(await keys({ limit: 10 })).toEqual([`filia/offline/${at + 20}`, `ratusz/unhappy_run/${at + 10}`, `ratusz/offline/${at}`]);
    expect(await keys({ site: 'ratusz', limit: 10 })).toEqual([`ratusz/unhappy_run/${at + 10}`, `ratusz/offline/${at}`]);
    expect(await keys({ kind: 'offline', limit: 10 })).toEqual([`filia/offline/${at + 20}`, `ratusz/offline/${at}`]);
    expect(await keys({ from: at + 10, to: at + 20, limit: 10 })).toEqual([`ratusz/unhappy_run/${at + 10}`]);
    expect(await keys({ open: false, site: 'ratusz', limit: 10 })).toEqual([`ratusz/unhappy_run/${at + 10}`, `ratusz/offline/${at}`]);
    expect(await keys({ open: true, limit: 10 })).toEqual([`filia/offline/${at + 20}`]);
    expect(await keys({ limit: 1 })).toEqual([`filia/offline/${at + 20}`]);
    expect((await store.listAlerts({ kind: 'unhappy_run', limit: 1 }))[0]!.facts).toEqual({ count: 3 });
    await store.close();
  });

  it('deletes raw events past retention and keeps the vote counts', async () => {
    const { store } = await open();
    const old = feedback(1, { at: at - 40 * 86_400_000, face: 4 });
    const recent = feedback(2, { at, face: 4 });
    for (const e of [old, recent]) await store.recordEvent(e, times(e.at), (row) => projectEvent(row, e, e.at));
    expect(await store.deleteEventsBefore(at - 30 * 86_400_000)).toBe(1);
    expect((await store.listEvents({ limit: 10 })).map((s) => s.event.id)).toEqual([recent.id]);
    expect(await votesAt(store, at - 41 * 86_400_000)).toEqual({ '4': 2 });
    await store.close();
  });

  it('writes a batch in one go exactly as the same writes one by one, duplicates and clock offsets included', async () => {
    const online = availability('online', 'boot-1');
    const other = { ...REF, counter: 'okienko-2' };
    const e1 = { ...feedback(1, { at, face: 4 }), bootId: 'boot-1', clockSynced: false };
    const e2 = { ...stateChange(2, 'serving'), at };
    const e3 = { ...feedback(1, { at: at + 1000, face: 1 }), counter: other.counter } as typeof e1;
    const onlineAt = at + 7_000; // the device's clock is 7 s behind the bridge's
    const ops = (): WriteOp[] => {
      return [
        { kind: 'counter', ref: REF, project: (row) => projectAvailability(row, { ...online, at }, onlineAt) },
        ...[e1, e2, e1, e3].map((e): WriteOp => ({
          kind: 'event',
          event: e,
          times: { receivedAt: onlineAt, effectiveAt: (previous) => effectiveTime(previous, e, onlineAt) },
          project: (row) => projectEvent(row, e, onlineAt),
        })),
        { kind: 'counter', ref: other, project: () => null },
      ];
    };
    const batched = (await open()).store;
    const results = await batched.write(ops());
    const single = (await open()).store;
    const oneByOne = [];
    for (const op of ops()) oneByOne.push(...(await single.write([op])));
    expect(results.map((r) => r.outcome)).toEqual(['counter', 'stored', 'stored', 'duplicate', 'stored', 'counter']);
    expect(results).toEqual(oneByOne);
    expect(results[1]!.previous).toMatchObject({ online: true, clockOffsetMs: 7_000 });
    for (const store of [batched, single]) {
      const events = await store.listEvents({ limit: 10 });
      expect(events.map((s) => [s.event.seq, s.event.counter, s.effectiveAt])).toEqual([
        [2, 'okienko-1', at],
        [1, 'okienko-2', at + 1000],
        [1, 'okienko-1', at + 7_000],
      ]);
      expect(await votesAt(store, at)).toEqual({ '4': 1 });
      expect(await store.getCounter(REF.site, REF.counter)).toMatchObject({ status: 'serving', seq: 2, online: true });
      await store.close();
    }
  });

  it('puts a batch started once the previous one holds its place after it, for every counter they share, and tells when it is committed', async () => {
    const { store } = await open();
    const other = { ...REF, counter: 'okienko-2' };
    const op = (e: ReturnType<typeof feedback>): WriteOp => ({ kind: 'event', event: e, times: times(at), project: (row) => projectEvent(row, e, at) });
    const steps: string[] = [];
    const e1 = feedback(1, { at });
    let second: Promise<WriteResult[]> | null = null;
    const first = store.write([op(e1), op({ ...feedback(1, { at }), counter: other.counter })], {
      // The caller starts the next batch at once, as the bridge's link does; it must see this one.
      ordered: () => {
        steps.push('ordered');
        second = store.write([op(feedback(2, { at })), op(e1)], { committed: () => steps.push('second committed') });
      },
      committed: (results) => steps.push(`first committed ${results.length}`),
    });
    await first;
    const [next, again] = await second!;
    expect(next!.previous).toMatchObject({ lastEventSeq: 1 });
    expect(next!.row).toMatchObject({ lastEventSeq: 2 });
    expect(again!.outcome).toBe('duplicate');
    // SQLite is in its place at the commit, PostgreSQL once it holds the locks: either way the
    // live stream hears of the two in order.
    expect(steps.filter((x) => x !== 'ordered')).toEqual(['first committed 2', 'second committed']);
    expect(steps).toContain('ordered');
    expect(await votesAt(store, at)).toEqual({ '4': 2 });
    await store.close();
  });

  it('gives back an event whose text holds what a bulk load escapes: backslash, quote, tab, newline', async () => {
    const { store } = await open();
    const e = feedback(1, { at, clerk: { id: 'k\\1', name: 'Anna\t"Nowak"\nz \\ w\r\\N' } });
    await store.write([{ kind: 'event', event: e, times: times(at), project: (row) => projectEvent(row, e, at) }]);
    expect((await store.listEvents({ limit: 10 })).map((x) => x.event)).toEqual([e]);
    await store.close();
  });

  it('counts an event whose id another counter already stored as a duplicate, and stores the rest of its batch', async () => {
    const { store } = await open();
    const first = feedback(1, { at, face: 4 });
    await store.recordEvent(first, times(at), (row) => projectEvent(row, first, at));
    const other = { ...REF, counter: 'okienko-2' };
    // New to its counter by every sign (a counter never seen, then the next numbers): only the
    // insert finds the id taken — after an event of the batch went in, which must not go in twice.
    const fresh = { ...feedback(1, { at, face: 3 }), ...other };
    const reused = { ...feedback(2, { at, face: 1 }), ...other, id: first.id };
    const next = { ...feedback(3, { at, face: 2 }), ...other };
    const op = (e: typeof first): WriteOp => ({ kind: 'event', event: e, times: times(at), project: (row) => projectEvent(row, e, at) });
    const results = await store.write([op(fresh), op(reused), op(next)]);
    expect(results.map((r) => r.outcome)).toEqual(['stored', 'duplicate', 'stored']);
    expect((await store.listEvents({ limit: 10 })).map((s) => [s.event.counter, s.event.seq, s.event.id])).toEqual([
      ['okienko-1', 1, first.id],
      ['okienko-2', 1, fresh.id],
      ['okienko-2', 3, next.id],
    ]);
    expect(await store.getCounter(other.site, other.counter)).toMatchObject({ seq: 3, lastEventSeq: 3 });
    await store.close();
  });

  it('writes nothing of a batch when part of it fails', async () => {
    const { store } = await open();
    const e = feedback(1, { at });
    const boom = (): never => {
      throw new Error('projector failed');
    };
    await expect(
      store.write([
        { kind: 'event', event: e, times: times(at), project: (row) => projectEvent(row, e, at) },
        { kind: 'counter', ref: { ...REF, counter: 'okienko-2' }, project: boom },
      ]),
    ).rejects.toThrow('projector failed');
    expect(await store.listEvents({ limit: 10 })).toEqual([]);
    expect(await store.listCounters()).toEqual([]);
    await store.close();
  });

  it('keeps notices: lists those showing at a time, newest first, and a withdrawn one on record', async () => {
    const { store } = await open();
    const notice = (id: string, counter: string | null, minutes: number, offset: number) => ({
      id, site: 'ratusz', counter, text: `notice ${id.slice(0, 1)}`, from: 'BOM', at: at + offset, until: at + offset + minutes * 60_000, withdrawnAt: null,
    });
    const a = notice('a0000000-0000-4000-8000-000000000000', null, 10, 0);
    const b = notice('b0000000-0000-4000-8000-000000000000', 'okienko-1', 60, 1000);
    await store.addNotice(a);
    await store.addNotice(b);
    expect((await store.listNotices({ activeAt: at + 5 * 60_000, limit: 10 })).map((n) => n.id)).toEqual([b.id, a.id]);
    expect((await store.listNotices({ activeAt: at + 10 * 60_000, limit: 10 })).map((n) => n.id)).toEqual([b.id]);
    expect(await store.withdrawNotice(b.id, at + 2000)).toEqual({ ...b, withdrawnAt: at + 2000 });
    expect(await store.withdrawNotice(b.id, at + 3000)).toMatchObject({ withdrawnAt: at + 2000 }); // once
    expect(await store.listNotices({ activeAt: at + 3000, limit: 10 })).toEqual([a]);
    expect(await store.listNotices({ limit: 10 })).toEqual([{ ...b, withdrawnAt: at + 2000 }, a]);
    expect(await store.withdrawNotice('00000000-0000-4000-8000-000000000000', at)).toBeNull();
    await store.close();
  });

  it('keeps login sessions: found by token hash while live and the user exists, ended by id or user, listed newest first', async () => {
    const { store, reopen } = await open();
    const H = 3_600_000;
    const user = (username: string, role: 'viewer' | 'admin', hash = 'h1') => ({ username, role, passwordHash: hash, createdAt: at });
    expect(await store.putUser(user('ewa', 'admin'))).toEqual([]);
    await store.putUser(user('jan', 'viewer'));
    let n = 0;
    const session = (username: string, createdAt: number) => {
      n++;
      return {
        id: `${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`, tokenHash: `hash-${n}`, username, role: 'admin' as const, csrf: `csrf-${n}`,
        createdAt, lastSeen: createdAt, expiresAt: createdAt + 12 * H, endedAt: null, endReason: null, userAgent: n === 1 ? 'Firefox — ąę' : null, address: '127.0.0.1',
      };
    };
    const [office, phone, other] = [session('ewa', at), session('ewa', at + 1000), session('jan', at + 2000)];
    for (const x of [office, phone, other]) await store.addSession(x);
    // Found while live, with the user's role as it is now.
    expect(await store.findSession('hash-1', at + H)).toEqual(office);
    expect(await store.findSession('hash-3', at + H)).toEqual({ ...other, role: 'viewer' });
    expect(await store.findSession('nobody', at)).toBeNull();
    expect(await store.findSession('hash-1', at + 12 * H)).toBeNull(); // expired
    await store.touchSession(office.id, at + 60_000);
    await store.touchSession(office.id, at + 30_000); // never back in time
    expect(await store.findSession('hash-1', at + H)).toMatchObject({ lastSeen: at + 60_000 });
    expect((await store.listSessions({ username: 'ewa', at: at + H, limit: 10 })).map((x) => x.id)).toEqual([phone.id, office.id]);
    expect((await store.listSessions({ at: at + H, limit: 10 })).map((x) => x.id)).toEqual([other.id, phone.id, office.id]);
    // One by id; one only if it is that user's; all of a user's but one; nothing when nothing is named.
    expect(await store.endSessions({ id: other.id, username: 'ewa' }, at + H, 'ended')).toEqual([]);
    expect(await store.endSessions({}, at + H, 'ended')).toEqual([]);
    expect(await store.endSessions({ id: 'not-a-uuid' }, at + H, 'ended')).toEqual([]);
    expect(await store.endSessions({ username: 'ewa', exceptId: phone.id }, at + H, 'ended')).toEqual([office.id]);
    expect(await store.findSession('hash-1', at + H)).toBeNull();
    expect(await store.endSessions({ id: office.id }, at + H, 'logout')).toEqual([]); // once
    // Kept across a restart, like everything else the store holds.
    await store.close();
    const again = await reopen();
    expect(await again.findSession('hash-2', at + H)).toEqual(phone);
    // The same password and role again ends nothing; a new password or a new role ends them all.
    expect(await again.putUser(user('ewa', 'admin'), at + H)).toEqual([]);
    expect(await again.putUser(user('ewa', 'admin', 'h2'), at + 2 * H)).toEqual([phone.id]);
    expect(await again.findSession('hash-2', at + 2 * H)).toBeNull();
    const late = session('ewa', at + 3 * H);
    await again.addSession(late);
    expect(await again.putUser(user('ewa', 'viewer', 'h2'), at + 3 * H)).toEqual([late.id]);
    // A removed user: their sessions end, and a session of a user who is gone is never found.
    expect(await again.deleteUser('jan', at + 4 * H)).toEqual([other.id]);
    expect(await again.deleteUser('jan', at + 4 * H)).toBeNull();
    expect(await again.getUser('jan')).toBeNull();
    expect(await again.listSessions({ at: at + 4 * H, limit: 10 })).toEqual([]);
    await again.close();
  });

  it('leaves a counter alone when the projector changes nothing', async () => {
    const { store } = await open();
    expect(await store.updateCounter(REF, () => null)).toBeNull();
    expect(await store.getCounter(REF.site, REF.counter)).toBeNull();
    await store.close();
  });

  // JSON carries a NUL (\u0000) and half a surrogate pair (\ud800) as escapes; PostgreSQL's jsonb
  // refuses both. Let through, one such message failed its whole batch again at every re-send.
  it.each([
    ['a NUL character', 'Anna\u0000Nowak'],
    ['half of a surrogate pair', 'Anna \ud800 Nowak'],
  ])('rejects a message with %s in its text, and stores the rest of its batch', async (_what, name) => {
    const { store } = await open();
    const ingest = new Ingest(store, { onEvent: () => {}, onCounter: () => {} }, pino({ level: 'silent' }));
    const clerk = { id: 'k1', name };
    const bad = [
      { topic: counterTopic(REF, 'event'), payload: buf({ ...stateChange(1, 'serving'), clerk }) },
      { topic: counterTopic(REF, 'state'), payload: buf({ v: 1, ...REF, status: 'serving', since: at, clerk, notice: null, seq: 1, at, clockSynced: true, scale: 4 }) },
    ];
    const good = feedback(2);
    const outcomes = await ingest.handleBatch([...bad, { topic: counterTopic(REF, 'event'), payload: buf(good) }]);
    expect(outcomes.map((o) => (o.kind === 'rejected' ? `${o.reason}: ${o.detail}` : o.kind))).toEqual([
      expect.stringMatching(/^invalid_payload: clerk\.name: must not hold a NUL character/),
      expect.stringMatching(/^invalid_payload: clerk\.name: must not hold a NUL character/),
      'stored',
    ]);
    expect((await store.listEvents({ limit: 10 })).map((s) => s.event.id)).toEqual([good.id]);
    await store.close();
  });

  // An event valid as sent is stored as the counter's own JSON text (EventWrite.text), which may
  // be laid out any way JSON allows: COPY's separators and escapes within it must not break a row.
  it('keeps an event sent as JSON of any valid layout: tabs and CR LF between tokens, escapes, key order, exponents, bytes that are not UTF-8', async () => {
    const { store } = await open();
    const ingest = new Ingest(store, { onEvent: () => {}, onCounter: () => {} }, pino({ level: 'silent' }));
    const clerk = { id: 'k\\1', name: 'Ża\tneta "Nowak" \\N' };
    const e1 = { ...feedback(1, { at }), clerk };
    const e2 = { ...feedback(2, { at }), clerk };
    const e3 = { ...stateChange(3, 'away'), at, clerk };
    const e4 = { ...feedback(4, { at }), clerk: { id: 'k1', name: `Żaneta Nowak \u{1F600}` } };
    const e5 = { ...feedback(5, { at }), clerk: { id: 'k1', name: 'Anna X Nowak' } };
    const payloads = [
      JSON.stringify(e1, null, '\t').replaceAll('\n', '\r\n'),
      `{${Object.entries(e2).reverse().map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(' ,\n ')}}`.replace('"site"', '"\\u0073ite"').replace('Ża', '\\u017ba'),
      JSON.stringify(e3).replace(`"at":${at}`, `"at":${(at / 1e12).toString()}e12`).replace('"boot-1"', '"boot\\/1"'),
      // Plain JSON with letters beyond ASCII: COPY takes the bytes received as they are.
      ` ${JSON.stringify(e4)} `,
      JSON.stringify(e5),
    ].map((t) => Buffer.from(t));
    // A byte that is not UTF-8 within a text: read as U+FFFD, which is what must be stored.
    payloads[4]![payloads[4]!.indexOf('X')] = 0xff;
    const outcomes = await ingest.handleBatch(payloads.map((payload) => ({ topic: counterTopic(REF, 'event'), payload })));
    expect(outcomes.map((o) => o.kind)).toEqual(['stored', 'stored', 'stored', 'stored', 'stored']);
    const stored = (await store.listEvents({ limit: 10 })).map((s) => s.event);
    expect(stored).toStrictEqual(payloads.map((p) => JSON.parse(p.toString())));
    expect(stored[2]).toMatchObject({ at, bootId: 'boot/1', clerk });
    expect(stored[4]!.clerk!.name).toBe('Anna \ufffd Nowak');
    await store.close();
  });
});

describe('PostgreSQL store, its connections ended by the server', () => {
  it('hears of an idle connection the server ended, and writes on with a new one', async () => {
    const url = await freshDatabase(server.url);
    const ended: string[] = [];
    const store = await PostgresStore.open(url, { onConnectionError: (err) => ended.push((err as Error & { code?: string }).code ?? err.message) });
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    try {
      const e1 = feedback(1, { at });
      await store.recordEvent(e1, times(at), (row) => projectEvent(row, e1, at));
      // As a restart or an administrator does: every connection of the store's database ended.
      // Unheard, the pool's 'error' would end the process (the bridge, in an office).
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [new URL(url).pathname.slice(1)]);
      await waitFor(() => ended.length > 0, { what: 'the ended connection heard of' });
      expect(ended[0]).toBe('57P01');
      const e2 = feedback(2, { at });
      expect((await store.recordEvent(e2, times(at), (row) => projectEvent(row, e2, at))).outcome).toBe('stored');
      expect(await store.listEvents({ limit: 10 })).toHaveLength(2);
    } finally {
      await admin.end();
      await store.close();
    }
  });
});

describe('PostgreSQL store, beside another bridge', () => {
  it('reads a counter\'s row only once it holds the counter\'s lock, so it sees what the holder committed', async () => {
    const url = await freshDatabase(server.url);
    const store = await PostgresStore.open(url);
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      // Another bridge holds the counter and stores its event 1 meanwhile.
      const e1 = feedback(1, { at });
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock(hashtext($1))', [counterKey(REF)]);
      const e2 = feedback(2, { at });
      const writing = store.write([{ kind: 'event', event: e2, times: times(at), project: (row) => projectEvent(row, e2, at) }]);
      // Until this store's batch is seen waiting for the lock (its query is on the server).
      const deadline = Date.now() + 10_000;
      while ((await other.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")).rowCount === 0) {
        if (Date.now() > deadline) throw new Error('the store never waited for the lock');
      }
      await other.query('INSERT INTO counters (site, counter, row) VALUES ($1, $2, $3)', [REF.site, REF.counter, JSON.stringify(projectEvent(null, e1, at))]);
      await other.query('COMMIT');
      const [r] = await writing;
      // Read before the lock was granted, the row would be missing: event 2 would look like a
      // counter's first, and the row written back would forget event 1.
      expect(r!.previous).toMatchObject({ lastEventSeq: 1 });
      expect(r!.row).toMatchObject({ lastEventSeq: 2 });
    } finally {
      await other.end();
      await store.close();
    }
  });
});
