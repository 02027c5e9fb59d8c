import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { counterTopic } from '@okienko/protocol';
import { projectEvent } from '@okienko/broker-bridge';
import { Ingest } from '../../../broker-bridge/ingest/ingest.ts';
import { counterKey } from '../../../broker-bridge/store/types.ts';
import { REF, buf, feedback, stateChange } from '../../helpers/messages.ts';
import { recordEvent } from '../../helpers/store-writes.ts';
import { at, bothStores, times, votesAt } from './stores.ts';

// EventStore: events stored once and read back, the last state changes, the hourly vote counts, retention.

const { stores } = bothStores();

describe.each(Object.entries(stores))('Store contract, events: %s', (_name, open) => {
  it('stores an event once, however often it comes, and moves the counter in the same step', async () => {
    const { store } = await open();
    const e = stateChange(1, 'serving');
    const first = await recordEvent(store, e, times(at), (row) => projectEvent(row, e, at));
    expect(first.outcome).toBe('stored');
    expect(first.row).toMatchObject({ site: REF.site, counter: REF.counter, status: 'serving', seq: 1 });
    const again = await recordEvent(store, e, times(at), (row) => projectEvent(row, e, at));
    expect(again).toEqual({ outcome: 'duplicate', row: null, previous: expect.objectContaining({ status: 'serving', seq: 1 }) });
    expect(await store.listEvents({ limit: 10 })).toHaveLength(1);
    await store.close();
  });

  it('filters and orders events by counter, type and time, and gives back what it was given', async () => {
    const { store } = await open();
    const a = feedback(1, { at, face: 2 });
    const b = feedback(2, { at: at + 60_000, face: 4 });
    const c = { ...feedback(1, { at: at + 30_000 }), counter: 'okienko-2' } as typeof a;
    for (const e of [b, a, c]) await recordEvent(store, e, times(e.at), (row) => projectEvent(row, e, e.at));
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
    for (const e of events) await recordEvent(store, e, times(e.at), (row) => projectEvent(row, e, e.at));
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
    for (const e of votes) await recordEvent(store, e, times(e.at), (row) => projectEvent(row, e, e.at));
    expect(await votesAt(store, at - (at % 3_600_000))).toEqual({ '4': 2 });
    await store.close();
  });

  it('counts votes for many counters in one call: each once, however often asked for, and none as {}', async () => {
    const { store } = await open();
    const other = { site: REF.site, counter: 'okienko-2' };
    const votes = [feedback(1, { at, face: 4 }), feedback(2, { at, face: 2 }), { ...feedback(1, { at, face: 1 }), ...other }];
    for (const e of votes) await recordEvent(store, e, times(e.at), (row) => projectEvent(row, e, e.at));
    const quiet = { site: 'elsewhere', counter: 'okienko-9' };
    const counts = await store.feedbackCounts([REF, other, REF, quiet], at);
    expect(Object.fromEntries(counts)).toEqual({ [counterKey(REF)]: { '4': 1, '2': 1 }, [counterKey(other)]: { '1': 1 }, [counterKey(quiet)]: {} });
    expect((await store.feedbackCounts([], at)).size).toBe(0);
    await store.close();
  });

  it('deletes raw events past retention and keeps the vote counts', async () => {
    const { store } = await open();
    const old = feedback(1, { at: at - 40 * 86_400_000, face: 4 });
    const recent = feedback(2, { at, face: 4 });
    for (const e of [old, recent]) await recordEvent(store, e, times(e.at), (row) => projectEvent(row, e, e.at));
    expect(await store.deleteEventsBefore(at - 30 * 86_400_000)).toBe(1);
    expect((await store.listEvents({ limit: 10 })).map((s) => s.event.id)).toEqual([recent.id]);
    expect(await votesAt(store, at - 41 * 86_400_000)).toEqual({ '4': 2 });
    await store.close();
  });

  it('gives back an event whose text holds what a bulk load escapes: backslash, quote, tab, newline', async () => {
    const { store } = await open();
    const e = feedback(1, { at, clerk: { id: 'k\\1', name: 'Anna\t"Nowak"\nz \\ w\r\\N' } });
    await store.write([{ kind: 'event', event: e, times: times(at), project: (row) => projectEvent(row, e, at) }]);
    expect((await store.listEvents({ limit: 10 })).map((x) => x.event)).toEqual([e]);
    await store.close();
  });

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
