import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { counterTopic } from '@okienko/protocol';
import { PostgresStore, SqliteStore } from '@okienko/broker-bridge';
import { Ingest, REJECT_REASONS, type Outcome } from '../../broker-bridge/ingest/ingest.ts';
import { CLERK, REF, feedback, stateChange, availability } from '../helpers/messages.ts';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.ts';
import { waitFor } from '../helpers/net.ts';
import { freshDatabase, startPostgres, type Postgres } from '../helpers/postgres.ts';
import { BridgeProc } from '../helpers/faults.ts';
import { FAULTS } from './scale.ts';

/**
 * Property-based fuzzing of what reaches the bridge: topics and payloads anyone on the broker
 * could send. The bridge must never throw, refuse each bad message with one of its reasons
 * (counted and logged, once each), store what is valid, and not grow while doing so.
 */

const KINDS = ['event', 'state', 'availability', 'command', 'notice', 'gossip', ''];
const segment = fc.oneof(fc.constantFrom('ratusz', 'okienko-1', 'filia', '+', '#', '', 'A B', 'ż', '..'), fc.string({ maxLength: 12 }));
const topic = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...['event', 'state', 'availability'].map((k) => counterTopic(REF, k as 'event'))) },
  { weight: 3, arbitrary: fc.tuple(segment, segment, fc.constantFrom(...KINDS)).map(([s, c, k]) => `okienko/v1/${s}/${c}/${k}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 80, unit: 'binary' }) },
  { weight: 1, arbitrary: fc.array(segment, { maxLength: 8 }).map((p) => p.join('/')) },
);

/** A valid event, state or availability with one field replaced by anything, or removed. */
const mutated = fc
  .tuple(
    fc.constantFrom<() => Record<string, unknown>>(
      () => ({ ...feedback(1) }),
      () => ({ ...feedback(1), counter: 'okienko-2' }), // valid, but not the topic's counter
      () => ({ ...stateChange(2, 'serving') }),
      () => ({ ...availability('online', 'boot-1') }),
      () => ({ v: 1, ...REF, status: 'available', since: 1, clerk: null, notice: null, seq: 1, at: 1, clockSynced: true, scale: 4 }),
    ),
    fc.constantFrom('v', 'id', 'seq', 'at', 'site', 'counter', 'type', 'face', 'scale', 'clerk', 'status', 'bootId', 'notice', 'extra'),
    fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined }),
  )
  .map(([make, key, value]) => {
    const o = make();
    if (value === undefined) delete o[key];
    else o[key] = value;
    return Buffer.from(JSON.stringify(o));
  });

/** Any UTF-16 units, leaning on those a store might refuse: NUL, either half of a surrogate pair. */
const anyText = fc.string({
  unit: fc.oneof(fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), fc.constantFrom('\u0000', '\ud83d', '\ude00', '\u{1F600}', 'ż', '\\', '"', '\t', '\n')),
  maxLength: 20,
});

/** A valid message on its own topic with one of its texts set to any text: what reaches the store. */
const textCase = fc
  .tuple(
    fc.constantFrom<(t: string) => [string, Record<string, unknown>]>(
      (t) => [counterTopic(REF, 'event'), { ...stateChange(2, 'serving'), clerk: { id: 'k1', name: t } }],
      (t) => [counterTopic(REF, 'event'), { ...stateChange(2, 'serving'), clerk: { id: t, name: 'Anna' } }],
      (t) => [counterTopic(REF, 'event'), { ...feedback(1), bootId: t }],
      (t) => [counterTopic(REF, 'event'), { ...feedback(1), sessionId: t }],
      (t) => [counterTopic(REF, 'availability'), { ...availability('online', t) }],
      (t) => [counterTopic(REF, 'availability'), { ...availability('online', 'boot-1'), version: t }],
      (t) => [
        counterTopic(REF, 'state'),
        { v: 1, ...REF, status: 'away', since: 1, clerk: CLERK, seq: 1, at: 1, clockSynced: true, scale: 4, notice: { backAt: 5, reason: 'break', substitute: { name: t, where: '3' }, signedBy: CLERK } },
      ],
    ),
    anyText,
  )
  .map(([make, t]): [string, Buffer] => {
    const [topicName, message] = make(t);
    return [topicName, Buffer.from(JSON.stringify(message))];
  });

const payload = fc.oneof(
  { weight: 4, arbitrary: mutated },
  { weight: 2, arbitrary: textCase.map(([, p]) => p) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((j) => Buffer.from(JSON.stringify(j) ?? 'null')) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((s) => Buffer.from(s)) },
  { weight: 1, arbitrary: fc.integer({ min: 16 * 1024 - 4, max: 40_000 }).map((n) => Buffer.alloc(n, 0x7b)) },
  { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
);

/** Counts an outcome under its reason (a refusal) or its kind. */
function tally(seen: Record<string, number>, o: Outcome): void {
  const k = o.kind === 'rejected' ? o.reason : o.kind;
  seen[k] = (seen[k] ?? 0) + 1;
}

/** Lines the bridge's logger writes at warn, counted (the "logged" of "counted and logged"). */
function countingLogger(): { log: pino.Logger; warnings: () => number } {
  let warnings = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line.includes('"rejected message"')) warnings++;
      done();
    },
  });
  return { log: pino({ level: 'warn' }, sink), warnings: () => warnings };
}

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const heapMb = (): number => {
  gc();
  return process.memoryUsage().heapUsed / 1e6;
};

let mosq: Mosquitto | undefined;
let bridge: BridgeProc | undefined;
let pgServer: Postgres | undefined;
afterAll(async () => {
  await bridge?.stop();
  await mosq?.stop();
  await pgServer?.stop();
});

describe('fuzzing what reaches the bridge', () => {
  it(`survives ${FAULTS.fuzzCases.toLocaleString('en')} generated topics and payloads: every refusal counted and logged with its reason, the next good one stored, memory flat`, { timeout: 600_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-fuzz-'));
    const store = new SqliteStore(path.join(dir, 'fuzz.db'), { synchronous: 'NORMAL' });
    const { log, warnings } = countingLogger();
    const ingest = new Ingest(store, { onEvent: () => {}, onCounter: () => {} }, log);
    const seen: Record<string, number> = {};
    let cases = 0;
    let heapAtStart = 0;
    await fc.assert(
      fc.asyncProperty(topic, payload, async (t, p) => {
        const outcome: Outcome = await ingest.handle(t, p);
        expect(['rejected', 'ignored', 'duplicate', 'stored', 'counter']).toContain(outcome.kind);
        if (outcome.kind === 'rejected') {
          expect(REJECT_REASONS).toContain(outcome.reason);
          expect(outcome.detail.length).toBeGreaterThan(0);
        }
        tally(seen, outcome);
        if (++cases === 10_000) heapAtStart = heapMb(); // after warm-up: code compiled, caches full
      }),
      { numRuns: FAULTS.fuzzCases, seed: 20261122 },
    );
    const heapAtEnd = heapMb();
    // Counted once each, by reason, and logged once each.
    const rejected = REJECT_REASONS.reduce((n, r) => n + (seen[r] ?? 0), 0);
    expect(Object.fromEntries(REJECT_REASONS.map((r) => [r, ingest.rejected[r]]))).toEqual(Object.fromEntries(REJECT_REASONS.map((r) => [r, seen[r] ?? 0])));
    await new Promise((r) => setImmediate(r));
    expect(warnings()).toBe(rejected);
    // Every reason came up: the generators reach each refusal.
    for (const r of REJECT_REASONS) expect(seen[r], r).toBeGreaterThan(0);
    // And still works: the next good press is stored.
    expect((await ingest.handle(counterTopic(REF, 'event'), Buffer.from(JSON.stringify(feedback(999_999))))).kind).toBe('stored');
    process.stdout.write(`[faults] fuzz in process: ${JSON.stringify({ cases, outcomes: seen, heapMb: [heapAtStart.toFixed(1), heapAtEnd.toFixed(1)] })}\n`);
    expect(heapAtEnd - heapAtStart).toBeLessThan(8);
    await store.close();
  });

  it('PostgreSQL keeps whatever validation lets through: generated messages, texts of any UTF-16 units among them, never fail a batch', { timeout: 600_000 }, async () => {
    pgServer = await startPostgres();
    const store = await PostgresStore.open(await freshDatabase(pgServer.url));
    const ingest = new Ingest(store, { onEvent: () => {}, onCounter: () => {} }, pino({ level: 'silent' }));
    const cases = fc.sample(fc.oneof(textCase, fc.tuple(topic, payload)), { numRuns: FAULTS.fuzzPostgres, seed: 20261128 });
    const seen: Record<string, number> = {};
    // In batches, as the bridge writes them: a message the store refused would fail its batch here.
    for (let i = 0; i < cases.length; i += 200) {
      const outcomes = await ingest.handleBatch(cases.slice(i, i + 200).map(([t, p]) => ({ topic: t, payload: p })));
      for (const o of outcomes) tally(seen, o);
    }
    // Texts reached the store (stored, and moved rows) and were refused (invalid_payload) alike.
    expect(seen.stored, 'stored').toBeGreaterThan(0);
    expect(seen.counter, 'counter rows').toBeGreaterThan(0);
    expect(seen.invalid_payload, 'invalid_payload').toBeGreaterThan(0);
    expect((await ingest.handle(counterTopic(REF, 'event'), Buffer.from(JSON.stringify(feedback(999_999))))).kind).toBe('stored');
    process.stdout.write(`[faults] fuzz into PostgreSQL: ${JSON.stringify({ cases: cases.length, outcomes: seen })}\n`);
    await store.close();
  });

  it('a bridge process fed generated messages through Mosquitto stays up, counts exactly what it refused, and stores the next press', { timeout: 300_000 }, async () => {
    mosq = await startMosquitto();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-fuzz-'));
    bridge = await BridgeProc.start({ mqttUrl: mosq.url, store: `sqlite:${path.join(dir, 'b.db')}`, clientId: 'faults-fuzz' });
    // The same messages through an in-process Ingest tell what the bridge must have counted.
    const reference = new Ingest(new SqliteStore(':memory:'), { onEvent: () => {}, onCounter: () => {} }, pino({ level: 'silent' }));
    // Only topics a broker delivers to the bridge: under okienko/v1/, no wildcards, valid UTF-8.
    const deliverable = topic.filter((t) => t.startsWith('okienko/v1/') && !/[+#\u0000]/.test(t) && Buffer.from(t).toString() === t && t.length < 200);
    const cases = fc.sample(fc.tuple(deliverable, payload), { numRuns: FAULTS.fuzzOverMqtt, seed: 42 });
    const sender = await mqtt.connectAsync(mosq.url, { clientId: 'fuzzer' });
    for (let i = 0; i < cases.length; i += 500) {
      await Promise.all(cases.slice(i, i + 500).map(([t, p]) => sender.publishAsync(t, p, { qos: 1 })));
    }
    for (const [t, p] of cases) await reference.handle(t, p);
    const expected = Object.fromEntries(REJECT_REASONS.map((r) => [r, reference.rejected[r]]));
    await waitFor(async () => JSON.stringify((await bridge!.health()).rejected) === JSON.stringify(expected), {
      timeoutMs: 120_000,
      what: () => `the bridge to count ${JSON.stringify(expected)}`,
    });
    const before = (await bridge.health()).stored;
    await sender.publishAsync(counterTopic(REF, 'event'), JSON.stringify(feedback(1_000_000)), { qos: 1 });
    await waitFor(async () => (await bridge!.health()).stored === before + 1, { what: 'the next good press stored' });
    process.stdout.write(`[faults] fuzz through Mosquitto: ${JSON.stringify({ sent: cases.length, rejected: expected, stored: before + 1 })}\n`);
    await sender.endAsync();
    expect(bridge.proc!.child.exitCode).toBeNull();
  });
});
