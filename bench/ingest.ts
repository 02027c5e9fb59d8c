import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';
import type { Logger } from 'pino';
import { counterTopic, type CounterEvent } from '@okienko/protocol';
import { PostgresStore, SqliteStore, startBridge, type Store } from '@okienko/broker-bridge';
import { freshDatabase, startPostgres } from '../test/helpers/postgres.ts';
import { figure, type Figure } from './stats.ts';

const COUNTERS = 20;

function events(total: number): { topic: string; payload: string }[] {
  const out: { topic: string; payload: string }[] = [];
  const at = Date.now();
  for (let i = 0; i < total; i++) {
    const ref = { site: 'bench', counter: `c${i % COUNTERS}` };
    const e: CounterEvent = {
      v: 1,
      ...ref,
      id: randomUUID(),
      seq: Math.floor(i / COUNTERS) + 1,
      at,
      clockSynced: true,
      bootId: 'bench',
      type: 'feedback',
      face: (i % 4) + 1,
      scale: 4,
      clerk: { id: 'k1', name: 'Anna Nowak' },
      sessionId: null,
      flagged: false,
    };
    out.push({ topic: counterTopic(ref, 'event'), payload: JSON.stringify(e) });
  }
  return out;
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Publish every message QoS 1 as fast as the client can; resolves when `done()` holds. */
async function blast(url: string, msgs: { topic: string; payload: string }[], done: () => boolean): Promise<number> {
  const pub = await mqtt.connectAsync(url, { clientId: `bench-ingest-pub-${process.pid}-${Math.random()}` });
  const t0 = performance.now();
  for (const m of msgs) pub.publish(m.topic, m.payload, { qos: 1 });
  await until(done, 300_000, 'all messages');
  const seconds = (performance.now() - t0) / 1000;
  await pub.endAsync();
  return msgs.length / seconds;
}

/**
 * The floor: the broker's QoS 1 pass-through to a subscriber that does no work. `persistent`: with
 * a session the broker keeps (clean: false), as the bridge's must be — what that costs the
 * broker, apart from anything the bridge does.
 */
async function rawRate(url: string, total: number, persistent = false): Promise<number> {
  const clientId = `bench-ingest-sub-${persistent ? 'persistent' : 'clean'}-${process.pid}`;
  const sub = await mqtt.connectAsync(url, { clientId, clean: !persistent });
  await sub.subscribeAsync('okienko/v1/#', { qos: 1 });
  let received = 0;
  sub.on('message', () => received++);
  const rate = await blast(url, events(total), () => received >= total);
  await sub.endAsync();
  // The session would otherwise go on collecting every later run's messages.
  if (persistent) await (await mqtt.connectAsync(url, { clientId, clean: true })).endAsync();
  return rate;
}

/** The bridge: validate, store durably, project state, tell the live hub, then PUBACK. */
async function bridgeRate(url: string, store: Store, name: string, total: number, log: Logger): Promise<{ rate: number; meanBatch: number }> {
  const bridge = await startBridge({
    mqtt: { url, protocolVersion: 4, clientId: `bench-bridge-ingest-${name}-${process.pid}` },
    store,
    http: { host: '127.0.0.1', port: 0 },
    timeZone: 'Europe/Warsaw',
    log,
  });
  // Wait until the bridge is subscribed: a first event goes through.
  const probe = events(1);
  const warm = await mqtt.connectAsync(url, { clientId: `bench-probe-${process.pid}` });
  await until(() => bridge.link.connected, 10_000, 'bridge connected');
  const deadline = Date.now() + 10_000;
  while (bridge.ingest.stored === 0 && Date.now() < deadline) {
    await warm.publishAsync(probe[0]!.topic, probe[0]!.payload, { qos: 1 });
    await new Promise((r) => setTimeout(r, 50));
  }
  await warm.endAsync();
  const before = bridge.ingest.stored;
  const batches = { ...bridge.link.stats };
  const rate = await blast(url, events(total), () => bridge.ingest.stored - before >= total);
  const meanBatch = (bridge.link.stats.messages - batches.messages) / (bridge.link.stats.batches - batches.batches);
  await bridge.close();
  return { rate, meanBatch };
}

export async function ingestFigures(url: string, dir: string, log: Logger, total = 20_000): Promise<Figure[]> {
  // This machine's rate drifts from run to run: each of ours is set beside the floor measured
  // just before and just after it.
  await rawRate(url, total); // warm-up: a cold broker and client are slower, which would flatter us
  const floors = [await rawRate(url, total)];
  const beside = async (run: () => Promise<{ rate: number; meanBatch: number }>) => {
    const r = await run();
    floors.push(await rawRate(url, total));
    return { ...r, floor: (floors.at(-2)! + floors.at(-1)!) / 2 };
  };
  const full = await beside(() => bridgeRate(url, new SqliteStore(path.join(dir, 'ingest-full.db'), { synchronous: 'FULL' }), 'full', total, log));
  const normal = await beside(() => bridgeRate(url, new SqliteStore(path.join(dir, 'ingest-normal.db'), { synchronous: 'NORMAL' }), 'normal', total, log));
  // PostgreSQL as an office runs it: its own server on this machine, fsync and synchronous_commit on.
  const server = await startPostgres();
  let postgres;
  try {
    const store = await PostgresStore.open(await freshDatabase(server.url));
    postgres = await beside(() => bridgeRate(url, store, 'postgres', total, log));
  } finally {
    await server.stop();
  }
  const persistent = await rawRate(url, total, true);
  const clean = await rawRate(url, total);
  const floorIs = 'raw broker QoS 1 pass-through to a subscriber doing no work (mean of the runs just before and after)';
  const batch = (r: { meanBatch: number }): string => `mean batch ${r.meanBatch.toFixed(1)} messages per commit`;
  return [
    figure({ figure: 'sustained ingest, SQLite synchronous=FULL (survives power loss)', unit: 'events/s', ours: full.rate, floor: full.floor, floorIs, goal: 'ratio ≥ 0.7 (issue 4)', note: batch(full) }),
    figure({ figure: 'sustained ingest, SQLite synchronous=NORMAL (survives a bridge crash)', unit: 'events/s', ours: normal.rate, floor: normal.floor, floorIs, note: batch(normal) }),
    figure({ figure: 'sustained ingest, PostgreSQL (fsync on, synchronous_commit on)', unit: 'events/s', ours: postgres.rate, floor: postgres.floor, floorIs, goal: 'ratio ≥ 0.7 (issue 4)', note: batch(postgres) }),
    // Not a figure of ours: how much of the gap is the broker keeping the bridge's session.
    figure({ figure: 'raw QoS 1 pass-through to a persistent-session subscriber doing no work', unit: 'events/s', ours: persistent, floor: clean, floorIs: 'the same to a clean-session subscriber, measured just after' }),
  ];
}
