import { beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { CounterView, counterTopic } from '@okienko/protocol';
import { SqliteStore } from '@okienko/broker-bridge';
import { Ingest } from '../../broker-bridge/ingest/ingest.ts';
import { LiveHub, type LiveMessage } from '../../broker-bridge/live/hub.ts';
import { REF, availability, buf, feedback, stateChange } from '../helpers/messages.ts';

const log = pino({ level: 'silent' });
const eventTopic = counterTopic(REF, 'event');
let store: SqliteStore;
let ingest: Ingest;
let hub: LiveHub;
let live: LiveMessage[];

beforeEach(() => {
  store = new SqliteStore(':memory:');
  hub = new LiveHub(store, 'Europe/Warsaw');
  live = [];
  hub.on('message', (m) => live.push(m));
  ingest = new Ingest(store, { onEvent: (e, at) => hub.eventStored(e, at), onVotes: (v) => hub.votesAdded(v), onCounter: (r) => hub.counterChanged(r) }, log);
});

describe('Ingest', () => {
  it('stores an event once, however often it is delivered', async () => {
    const e = feedback(1);
    expect((await ingest.handle(eventTopic, buf(e))).kind).toBe('stored');
    expect((await ingest.handle(eventTopic, buf(e))).kind).toBe('duplicate');
    expect(await store.listEvents({ limit: 10 })).toHaveLength(1);
    expect([ingest.stored, ingest.duplicates]).toEqual([1, 1]);
  });

  it.each([
    ['unknown_topic', 'okienko/v1/ratusz/okienko-1/gossip', buf(feedback(1))],
    ['unknown_topic', 'elsewhere/entirely', buf(feedback(1))],
    ['invalid_json', eventTopic, buf('{"v":1,')],
    ['invalid_payload', eventTopic, buf({ ...feedback(1), face: 9 })],
    ['invalid_payload', eventTopic, buf([1, 2, 3])],
    ['topic_mismatch', counterTopic({ site: 'ratusz', counter: 'okienko-2' }, 'event'), buf(feedback(1))],
    ['payload_too_large', eventTopic, Buffer.alloc(20_000, 0x20)],
  ] as const)('rejects with reason %s, counts it, and still stores the next good message', async (reason, topic, payload) => {
    const outcome = await ingest.handle(topic, payload);
    expect(outcome).toMatchObject({ kind: 'rejected', reason });
    expect(ingest.rejected[reason]).toBe(1);
    expect((await ingest.handle(eventTopic, buf(feedback(1)))).kind).toBe('stored');
    expect(await store.listEvents({ limit: 10 })).toHaveLength(1);
  });

  it('stores a valid event as sent, and one with a key no schema names as zod gives it back, without the key', async () => {
    const plain = feedback(1);
    const extra = feedback(2);
    await ingest.handle(eventTopic, buf(plain));
    await ingest.handle(eventTopic, buf({ ...extra, note: 'not in the protocol' }));
    // What is on the disk, not read back through the schema (which would strip the key again).
    const db = (store as unknown as { db: { prepare(sql: string): { all(): { payload: string }[] } } }).db;
    const stored = db.prepare('SELECT payload FROM events').all().map((r) => JSON.parse(r.payload) as { id: string });
    expect(stored).toHaveLength(2);
    expect(stored.find((e) => e.id === plain.id)).toStrictEqual(plain);
    expect(stored.find((e) => e.id === extra.id)).toStrictEqual(extra);
  });

  it('keeps topics parsed within a bound, and judges a topic the same before and after they are dropped', async () => {
    const gossip = 'okienko/v1/ratusz/okienko-1/gossip';
    const judged = (topic: string, payload: Buffer) => {
      return (ingest.prepare(topic, payload) as { kind?: string; reason?: string }).reason ?? 'valid';
    };
    expect([judged(gossip, buf(feedback(1))), judged(eventTopic, buf(feedback(1)))]).toEqual(['unknown_topic', 'valid']);
    // Topics no counter uses, enough to drop what is kept more than once.
    for (let i = 0; i < 120_000; i++) judged(`okienko/v1/x${i}`, Buffer.alloc(0));
    const kept = (ingest as unknown as { topics: Map<string, unknown> }).topics.size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(50_000);
    expect([judged(gossip, buf(feedback(1))), judged(eventTopic, buf(feedback(1)))]).toEqual(['unknown_topic', 'valid']);
    expect((await ingest.handle(eventTopic, buf(feedback(1)))).kind).toBe('stored');
  });

  it('moves the counter on from state changes, and not back for an older retained state', async () => {
    await ingest.handle(counterTopic(REF, 'availability'), buf(availability('online', 'boot-1')));
    await ingest.handle(eventTopic, buf(stateChange(2, 'serving')));
    const stale = { v: 1, ...REF, status: 'available', since: 1, clerk: null, notice: null, seq: 1, at: 1, clockSynced: true, scale: 4 };
    await ingest.handle(counterTopic(REF, 'state'), buf(stale));
    const row = await store.getCounter(REF.site, REF.counter);
    expect(row).toMatchObject({ status: 'serving', online: true, seq: 2 });
  });

  it('takes the device\'s health from every state it publishes, at the same sequence number too', async () => {
    const state = (health: object) => ({ v: 1, ...REF, status: 'available', since: 1, clerk: null, notice: null, seq: 3, at: 1, clockSynced: true, scale: 4, health });
    await ingest.handle(counterTopic(REF, 'state'), buf(state({ outboxPending: 0, outboxRefused: 0 })));
    // Nothing new happened at the desk (same seq), but the card is full: the dashboard must see it.
    await ingest.handle(counterTopic(REF, 'state'), buf(state({ outboxPending: 0, outboxRefused: 1, diskFull: true })));
    expect((await store.getCounter(REF.site, REF.counter))?.health).toEqual({ outboxPending: 0, outboxRefused: 1, diskFull: true });
  });

  it('ignores a stale last will from an earlier boot, but honours the current one', async () => {
    const avail = counterTopic(REF, 'availability');
    await ingest.handle(avail, buf(availability('online', 'boot-2')));
    await ingest.handle(avail, buf(availability('offline', 'boot-1')));
    expect((await store.getCounter(REF.site, REF.counter))?.online).toBe(true);
    await ingest.handle(avail, buf(availability('offline', 'boot-2')));
    expect((await store.getCounter(REF.site, REF.counter))?.online).toBe(false);
  });

  it('tells the live stream about stored events and counter changes, with today\'s votes', async () => {
    await ingest.handle(eventTopic, buf(feedback(1, { face: 2 })));
    await ingest.handle(eventTopic, buf(feedback(2, { face: 2 })));
    await ingest.handle(eventTopic, buf(feedback(3, { face: 1, flagged: true })));
    await new Promise((r) => setImmediate(r));
    const counters = live.filter((m) => m.type === 'counter');
    expect(counters.at(-1)).toMatchObject({ type: 'counter', counter: { site: 'ratusz', feedbackToday: { '2': 2 } } });
    expect(live.filter((m) => m.type === 'event')).toHaveLength(3);
    // The view and nothing else: none of the bridge's own bookkeeping of the row (sequence numbers
    // missing, the clock's offset) goes out to dashboards.
    const [last] = counters.slice(-1) as Extract<LiveMessage, { type: 'counter' }>[];
    expect(CounterView.strict().safeParse(JSON.parse(JSON.stringify(last!.counter))).success).toBe(true);
    await ingest.handle(eventTopic, buf(feedback(9)));
    await new Promise((r) => setImmediate(r));
    expect(JSON.stringify(live.at(-1))).not.toMatch(/missing|lastEventSeq|clockOffsetMs|bootId/);
  });

  it('sends a batch\'s changed counters to the live stream with one vote query, each once, as the batch left it', async () => {
    const asked: string[][] = [];
    const counts = store.feedbackCounts.bind(store);
    store.feedbackCounts = (refs, from) => (asked.push(refs.map((r) => r.counter)), counts(refs, from));
    const other = { site: REF.site, counter: 'okienko-2' };
    const batch = [feedback(1, { face: 2 }), feedback(2, { face: 3 }), { ...feedback(1, { face: 4 }), ...other }, { ...feedback(2, { face: 4 }), ...other }];
    await ingest.handleBatch(batch.map((e) => ({ topic: counterTopic(e, 'event'), payload: buf(e) })));
    await new Promise((r) => setImmediate(r));
    expect(asked).toEqual([['okienko-1', 'okienko-2']]);
    const counters = live.flatMap((m) => (m.type === 'counter' ? [m.counter] : []));
    expect(counters.map((c) => [c.counter, c.seq, c.feedbackToday])).toEqual([
      ['okienko-1', 2, { '2': 1, '3': 1 }],
      ['okienko-2', 2, { '4': 2 }],
    ]);
  });

  it('sends counter views in the order their rows changed, and reports a failed vote query without losing later views', async () => {
    const errors: Error[] = [];
    hub.on('error', (err) => errors.push(err));
    const counts = store.feedbackCounts.bind(store);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const answers = [
      (refs: Parameters<typeof counts>[0], from: number) => held.then(() => counts(refs, from)),
      () => Promise.reject(new Error('database gone')),
      counts,
    ];
    store.feedbackCounts = (refs, from) => answers.shift()!(refs, from);
    for (const seq of [1, 2, 3]) {
      await ingest.handle(eventTopic, buf(feedback(seq)));
      await new Promise((r) => setImmediate(r));
    }
    // The second query failed while the first was still out: reported in its turn, not before.
    expect(errors).toEqual([]);
    release();
    await new Promise((r) => setImmediate(r));
    expect(errors.map((e) => e.message)).toEqual(['database gone']);
    expect(live.flatMap((m) => (m.type === 'counter' ? [m.counter.seq] : []))).toEqual([1, 3]);
  });

  it('uses the bridge\'s receive time for an event whose device clock was not synchronised', async () => {
    const e = feedback(1, { clockSynced: false, at: 1000 });
    await ingest.handle(eventTopic, buf(e));
    const [stored] = await store.listEvents({ limit: 1 });
    expect(stored!.effectiveAt).toBe(stored!.receivedAt);
    expect(stored!.event.at).toBe(1000);
  });

  it('validates a message as it arrives (prepare): it is received then, however long its batch waits, and a bad one is still counted once', async () => {
    let now = 1_795_000_000_000;
    const timed = new Ingest(store, { onEvent: () => {}, onCounter: () => {} }, log, () => now);
    const arrivedAt = now;
    const good = { topic: eventTopic, payload: buf(feedback(1, { clockSynced: false })) };
    const bad = { topic: eventTopic, payload: Buffer.from('{nope') };
    const arrivals = [timed.prepare(good.topic, good.payload), timed.prepare(bad.topic, bad.payload)];
    now += 5_000;
    const [stored, rejected] = await timed.handlePrepared({ topics: [good.topic, bad.topic], payloads: [good.payload, bad.payload], arrivals });
    expect(stored!.kind).toBe('stored');
    expect(rejected).toMatchObject({ kind: 'rejected', reason: 'invalid_json' });
    expect(timed.rejected.invalid_json).toBe(1);
    const [row] = await store.listEvents({ limit: 1 });
    expect(row!.receivedAt).toBe(arrivedAt);
  });

  it('corrects the time of an unsynchronised device by its boot\'s offset, measured when it came online', async () => {
    let now = 1_795_000_000_000;
    const timed = new Ingest(store, { onEvent: () => {}, onCounter: () => {} }, log, () => now);
    // The Pi woke up believing it is an hour earlier than it is (no battery clock, no NTP yet).
    const skew = 3_600_000;
    await timed.handle(counterTopic(REF, 'availability'), buf({ ...availability('online', 'boot-9'), at: now - skew }));
    now += 60_000;
    const e = feedback(1, { clockSynced: false, bootId: 'boot-9', at: now - skew - 30_000, historical: true });
    await timed.handle(eventTopic, buf(e));
    const [stored] = await store.listEvents({ limit: 1 });
    expect(stored!.effectiveAt).toBe(now - 30_000);
    // An event from another boot has no known offset: the receive time stands.
    await timed.handle(eventTopic, buf(feedback(2, { clockSynced: false, bootId: 'boot-8', at: 5 })));
    expect((await store.listEvents({ limit: 2 }))[1]!.effectiveAt).toBe(now);
  });

  it('finds events missing from a counter, asks it to re-send its state, and forgets a gap that fills', async () => {
    const gaps: [string, number[]][] = [];
    const watching = new Ingest(store, { onEvent: () => {}, onCounter: () => {}, onGap: (ref, missing) => gaps.push([ref.counter, missing]) }, log);
    for (const seq of [1, 2, 5]) await watching.handle(eventTopic, buf(feedback(seq)));
    expect(gaps).toEqual([['okienko-1', [3, 4]]]);
    expect(watching.gaps).toBe(2);
    await watching.handle(eventTopic, buf(feedback(4))); // late, after a reconnect
    expect((await store.getCounter(REF.site, REF.counter))?.missing).toEqual([3]);
    expect(gaps).toHaveLength(1);
  });

  it('does not call the first event a bridge sees from a counter a gap', async () => {
    const gaps: number[][] = [];
    const watching = new Ingest(store, { onEvent: () => {}, onCounter: () => {}, onGap: (_r, m) => gaps.push(m) }, log);
    await watching.handle(eventTopic, buf(feedback(500)));
    await watching.handle(eventTopic, buf(feedback(501)));
    expect(gaps).toEqual([]);
  });
});
