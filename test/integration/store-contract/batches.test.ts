import { describe, expect, it } from 'vitest';
import { projectEvent, type WriteOp } from '@okienko/broker-bridge';
import { counterKey, type Written } from '../../../broker-bridge/store/types.ts';
import { effectiveTime, projectAvailability } from '../../../broker-bridge/ingest/projection.ts';
import { REF, availability, feedback, stateChange } from '../../helpers/messages.ts';
import { recordEvent } from '../../helpers/store-writes.ts';
import { at, bothStores, times, votesAt } from './stores.ts';

// EventStore.write: a batch in one transaction, exactly as the same writes one by one, in its place.

const { stores } = bothStores();

describe.each(Object.entries(stores))('Store contract, batches: %s', (_name, open) => {
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
    const { results, votes } = await batched.write(ops());
    const single = (await open()).store;
    const oneByOne = [];
    const votesOneByOne = [];
    for (const op of ops()) {
      const written = await single.write([op]);
      oneByOne.push(...written.results);
      votesOneByOne.push(...written.votes);
    }
    expect(results.map((r) => r.outcome)).toEqual(['counter', 'stored', 'stored', 'duplicate', 'stored', 'counter']);
    expect(results).toEqual(oneByOne);
    // The votes it added: each stored vote once (the duplicate not), in the hour it counts in.
    expect(votes).toEqual([
      { site: REF.site, counter: REF.counter, hour: at, face: 4, n: 1 },
      { site: REF.site, counter: other.counter, hour: at, face: 1, n: 1 },
    ]);
    expect(votes).toEqual(votesOneByOne);
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
    let second: Promise<Written> | null = null;
    const first = store.write([op(e1), op({ ...feedback(1, { at }), counter: other.counter })], {
      // The caller starts the next batch at once, as the bridge's link does; it must see this one.
      ordered: () => {
        steps.push('ordered');
        second = store.write([op(feedback(2, { at })), op(e1)], { committed: () => steps.push('second committed') });
      },
      committed: ({ results }) => steps.push(`first committed ${results.length}`),
    });
    await first;
    const { results: [next, again] } = await second!;
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

  it('counts an event whose id another counter already stored as a duplicate, and stores the rest of its batch', async () => {
    const { store } = await open();
    const first = feedback(1, { at, face: 4 });
    await recordEvent(store, first, times(at), (row) => projectEvent(row, first, at));
    const other = { ...REF, counter: 'okienko-2' };
    // New to its counter by every sign (a counter never seen, then the next numbers): only the
    // insert finds the id taken — after an event of the batch went in, which must not go in twice.
    const fresh = { ...feedback(1, { at, face: 3 }), ...other };
    const reused = { ...feedback(2, { at, face: 1 }), ...other, id: first.id };
    const next = { ...feedback(3, { at, face: 2 }), ...other };
    const op = (e: typeof first): WriteOp => ({ kind: 'event', event: e, times: times(at), project: (row) => projectEvent(row, e, at) });
    const { results } = await store.write([op(fresh), op(reused), op(next)]);
    expect(results.map((r) => r.outcome)).toEqual(['stored', 'duplicate', 'stored']);
    expect((await store.listEvents({ limit: 10 })).map((s) => [s.event.counter, s.event.seq, s.event.id])).toEqual([
      ['okienko-1', 1, first.id],
      ['okienko-2', 1, fresh.id],
      ['okienko-2', 3, next.id],
    ]);
    expect(await store.getCounter(other.site, other.counter)).toMatchObject({ seq: 3, lastEventSeq: 3 });
    await store.close();
  });

  it('gives back the votes each batch added, which add up to what it counts: duplicates, flagged votes and an id another counter used left out', async () => {
    const { store } = await open();
    const other = { ...REF, counter: 'okienko-2' };
    const op = (e: ReturnType<typeof feedback>): WriteOp => ({ kind: 'event', event: e, times: times(e.at), project: (row) => projectEvent(row, e, e.at) });
    const H = 3_600_000;
    const a1 = feedback(1, { at, face: 4 });
    const a2 = feedback(2, { at: at + 59 * 60_000, face: 4 });
    const a3 = feedback(3, { at: at + H, face: 2 });
    const flagged = feedback(4, { at, face: 1, flagged: true });
    const yesterday = feedback(5, { at: at - 24 * H, face: 3 });
    const b1 = { ...feedback(1, { at, face: 1 }), ...other };
    // New to its counter by every sign: only the insert finds the id taken (PostgreSQL works the
    // batch out again then, and its votes with it).
    const reused = { ...feedback(2, { at, face: 3 }), ...other, id: a1.id };
    const b3 = { ...feedback(3, { at: at + H + 1, face: 1 }), ...other };
    const batches = [
      [a1, a2, flagged, a1, stateChange(6, 'serving')],
      [a2, b1, reused, b3, a3, yesterday],
    ].map((events) => events.map((e) => op(e)));
    const added: Written['votes'] = [];
    for (const batch of batches) added.push(...(await store.write(batch)).votes);
    expect(added).toEqual([
      { site: REF.site, counter: REF.counter, hour: at, face: 4, n: 2 },
      { site: REF.site, counter: other.counter, hour: at, face: 1, n: 1 },
      { site: REF.site, counter: other.counter, hour: at + H, face: 1, n: 1 },
      { site: REF.site, counter: REF.counter, hour: at + H, face: 2, n: 1 },
      { site: REF.site, counter: REF.counter, hour: at - 24 * H, face: 3, n: 1 },
    ]);
    // Summed from any whole hour on, they are the store's counts.
    for (const from of [at - 24 * H, at, at + H, at + 30 * 60_000]) {
      const summed = new Map<string, Record<string, number>>([[counterKey(REF), {}], [counterKey(other), {}]]);
      for (const v of added) {
        if (v.hour < from - (from % H)) continue;
        const faces = summed.get(counterKey(v))!;
        faces[v.face] = (faces[v.face] ?? 0) + v.n;
      }
      expect(await store.feedbackCounts([REF, other], from)).toEqual(summed);
    }
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
});
