import { setImmediate as turn } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { counterTopic, startOfDay, type CounterEvent, type CounterRef, type CounterView } from '@okienko/protocol';
import { SqliteStore, projectEvent } from '@okienko/broker-bridge';
import { Ingest, type Message } from '../../broker-bridge/ingest/ingest.ts';
import { LiveHub } from '../../broker-bridge/live/hub.ts';
import { counterKey } from '../../broker-bridge/store/types.ts';
import { REF, buf, feedback, stateChange } from '../helpers/messages.ts';

// The live hub adds up each batch's votes (Written.votes) instead of asking the store after every
// batch: what it shows must be what the store counts, whatever the batches hold.

const ZONE = 'Europe/Warsaw';
const T0 = Date.UTC(2026, 10, 20, 9, 0); // 10:00 in Warsaw
const MIDNIGHT = startOfDay(T0 + 86_400_000, ZONE); // the night after T0
const H = 3_600_000;
const COUNTERS: CounterRef[] = [REF, { ...REF, counter: 'okienko-2' }, { ...REF, counter: 'okienko-3' }, { site: 'filia', counter: 'okienko-1' }];

/** A store, ingest and hub wired as the bridge wires them (bridge.ts), on a clock the test moves. */
function office() {
  const store = new SqliteStore(':memory:');
  let now = T0;
  const hub = new LiveHub(store, ZONE, () => now);
  const ingest = new Ingest(store, { onEvent: () => {}, onVotes: (v) => hub.votesAdded(v), onCounter: (r) => hub.counterChanged(r) }, pino({ level: 'silent' }), () => now);
  const shown = new Map<string, CounterView>();
  hub.on('message', (m) => m.type === 'counter' && shown.set(counterKey(m.counter), m.counter));
  hub.on('error', (err) => {
    throw err;
  });
  // Bound before the spy: the test's own questions are not the hub's.
  const truth = store.feedbackCounts.bind(store);
  const asked = vi.spyOn(store, 'feedbackCounts');
  return {
    store,
    hub,
    asked,
    truth,
    shown,
    at: (ms: number) => void (now = ms),
    /** One batch through ingest, as the link hands it over; then every view it caused is out. */
    batch: async (events: readonly CounterEvent[]) => {
      await ingest.handleBatch(events.map((e): Message => ({ topic: counterTopic(e, 'event'), payload: buf(e) })));
      await turn();
    },
    /** What the store counts for every counter since the office's midnight before `now`. */
    counted: async () => Object.fromEntries(await truth(COUNTERS, startOfDay(now, ZONE))),
    /** What dashboards were last shown of every counter's votes. */
    live: () => Object.fromEntries(COUNTERS.map((c) => [counterKey(c), shown.get(counterKey(c))?.feedbackToday])),
  };
}

/** A fixed pseudo-random sequence: the same batches at every run. */
function random(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

describe('the live hub\'s votes', () => {
  it('add up, over many batches with duplicates, flagged votes, late votes and a midnight, to what the store counts, with no vote query per batch', async () => {
    const o = office();
    const next = random(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
    const seqs = new Map<string, number>();
    const sent: CounterEvent[] = [];
    const vote = (ref: CounterRef, at: number): CounterEvent => {
      const seq = (seqs.get(counterKey(ref)) ?? 0) + 1;
      seqs.set(counterKey(ref), seq);
      return { ...feedback(seq, { at, face: 1 + Math.floor(next() * 4), flagged: next() < 0.15 }), ...ref } as CounterEvent;
    };
    const change = (ref: CounterRef): CounterEvent => {
      const seq = (seqs.get(counterKey(ref)) ?? 0) + 1;
      seqs.set(counterKey(ref), seq);
      return { ...stateChange(seq, 'serving'), ...ref };
    };
    /** A batch of what a busy office sends: votes (some flagged, some late), re-sends, a state change. */
    const busy = (now: number, size: number): CounterEvent[] =>
      Array.from({ length: size }, () => {
        const r = next();
        if (r < 0.15 && sent.length > 0) return pick(sent); // delivered again
        if (r < 0.2) return change(pick(COUNTERS)); // no vote
        // Mostly now; some from before midnight (a counter's late outbox), some a minute ahead.
        const at = r < 0.25 ? now - 20 * H : r < 0.3 ? now + 60_000 : now - Math.floor(next() * 30 * 60_000);
        const e = vote(pick(COUNTERS), at);
        sent.push(e);
        return e;
      });

    // Votes from earlier today, before this bridge started: the hub finds them in the store.
    const earlier = COUNTERS.map((c) => vote(c, T0 - 2 * H));
    await o.store.write(earlier.map((e) => ({ kind: 'event', event: e, times: { receivedAt: e.at, effectiveAt: e.at }, project: (r) => projectEvent(r, e, e.at) })));

    // The first batch has every counter: the hub holds none, and asks for them all at once.
    await o.batch(COUNTERS.map((c) => vote(c, T0)));
    expect(o.asked).toHaveBeenCalledTimes(1);
    expect(o.live()).toEqual(await o.counted());

    let now = T0;
    /** A batch every five minutes, each followed by the check that the live counts are the store's. */
    const busyFor = async (batches: number) => {
      for (let i = 0; i < batches; i++) {
        now += 5 * 60_000;
        o.at(now);
        await o.batch(busy(now, 1 + Math.floor(next() * 8)));
        expect(o.live()).toEqual(await o.counted());
      }
    };
    await busyFor(60);
    // 60 batches, and not one question of the store among them.
    expect(o.asked).toHaveBeenCalledTimes(1);

    // A dashboard connecting still reads the store: its truth, and the hub's.
    const snapshot = await o.hub.snapshot();
    expect(o.asked).toHaveBeenCalledTimes(2);
    expect(Object.fromEntries(snapshot.map((v) => [counterKey(v), v.feedbackToday]))).toEqual(await o.counted());

    // Late in the evening: votes dated past midnight (a clock a minute ahead) count tomorrow.
    now = MIDNIGHT - 90_000;
    o.at(now);
    await o.batch([vote(REF, MIDNIGHT + 10_000), vote(REF, MIDNIGHT - 1), vote(COUNTERS[1]!, MIDNIGHT)]);
    expect(o.live()).toEqual(await o.counted());
    expect(o.asked).toHaveBeenCalledTimes(2);

    // Past midnight the day's counts are forgotten: the first batch asks for its counters afresh.
    now = MIDNIGHT + 30_000;
    o.at(now);
    await o.batch(COUNTERS.map((c) => vote(c, now)));
    expect(o.asked).toHaveBeenCalledTimes(3);
    expect(o.live()).toEqual(await o.counted());
    await busyFor(30);
    expect(o.asked).toHaveBeenCalledTimes(3);
    // Something was counted, and left out: the figures above are not all empty by accident.
    expect(Object.values(await o.counted()).some((faces) => Object.keys(faces).length > 0)).toBe(true);
    expect(sent.some((e) => e.type === 'feedback' && e.flagged)).toBe(true);
    await o.store.close();
  });

  it('holds no count read while the counter was given votes: the read may have been before their commit', async () => {
    const o = office();
    const counts = o.truth;
    // As PostgreSQL may: the count read at once, before the next batch commits, and answered after.
    const slow = () => {
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      o.asked.mockImplementationOnce((refs, from) => {
        const answer = counts(refs, from);
        return held.then(() => answer);
      });
      return () => release();
    };
    // A counter not held: the first batch asks, the second comes while that answer is out.
    let release = slow();
    await o.batch([feedback(1, { at: T0, face: 4 })]);
    await o.batch([feedback(2, { at: T0, face: 4 })]);
    release();
    await turn();
    await o.batch([feedback(3, { at: T0, face: 1 })]);
    const key = counterKey(REF);
    expect(o.live()[key]).toEqual((await o.counted())[key]);
    expect(o.live()[key]).toEqual({ '4': 2, '1': 1 });
    // The second batch asked again (it found the counter not held); that answer, with no votes
    // meanwhile, is held: the third asked nothing.
    expect(o.asked).toHaveBeenCalledTimes(2);
    // A counter held, and a snapshot's read out while a batch votes: the snapshot shows its read,
    // the hub keeps its own count.
    release = slow();
    const snapshot = o.hub.snapshot();
    await turn();
    await o.batch([feedback(4, { at: T0, face: 1 })]);
    release();
    expect((await snapshot).find((v) => v.counter === REF.counter)?.feedbackToday).toEqual({ '4': 2, '1': 1 });
    await o.batch([feedback(5, { at: T0, face: 1 })]);
    expect(o.live()[key]).toEqual({ '4': 2, '1': 3 });
    expect(o.live()[key]).toEqual((await o.counted())[key]);
    expect(o.asked).toHaveBeenCalledTimes(3);
    await o.store.close();
  });
});
