import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';
import type { Logger } from 'pino';
import { counterTopic, type CounterEvent } from '@okienko/protocol';
import { SqliteStore, startBridge } from '@okienko/broker-bridge';
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

/** The floor: the broker's QoS 1 pass-through to a subscriber that does no work. */
async function rawRate(url: string, total: number): Promise<number> {
  const sub = await mqtt.connectAsync(url, { clientId: `bench-ingest-sub-${process.pid}` });
  await sub.subscribeAsync('okienko/v1/#', { qos: 1 });
  let received = 0;
  sub.on('message', () => received++);
  const rate = await blast(url, events(total), () => received >= total);
  await sub.endAsync();
  return rate;
}

/** The bridge: validate, store durably (SQLite WAL), project state, tell the live hub, then PUBACK. */
async function bridgeRate(url: string, dir: string, total: number, synchronous: 'FULL' | 'NORMAL', log: Logger): Promise<number> {
  const bridge = await startBridge({
    mqtt: { url, protocolVersion: 4, clientId: `bench-bridge-ingest-${synchronous}-${process.pid}` },
    store: new SqliteStore(path.join(dir, `ingest-${synchronous}.db`), { synchronous }),
    http: { host: '127.0.0.1', port: 0 },
    timeZone: 'Europe/Warsaw',
    log,
  });
  // Wait until the bridge is subscribed: a first event goes through.
  const probe = events(1);
  const warm = await mqtt.connectAsync(url, { clientId: `bench-probe-${process.pid}` });
  await until(() => bridge.mqtt.connected, 10_000, 'bridge connected');
  const deadline = Date.now() + 10_000;
  while (bridge.ingest.stored === 0 && Date.now() < deadline) {
    await warm.publishAsync(probe[0]!.topic, probe[0]!.payload, { qos: 1 });
    await new Promise((r) => setTimeout(r, 50));
  }
  await warm.endAsync();
  const before = bridge.ingest.stored;
  const rate = await blast(url, events(total), () => bridge.ingest.stored - before >= total);
  await bridge.close();
  return rate;
}

export async function ingestFigures(url: string, dir: string, log: Logger, total = 20_000): Promise<Figure[]> {
  const floor = await rawRate(url, total);
  const full = await bridgeRate(url, dir, total, 'FULL', log);
  const normal = await bridgeRate(url, dir, total, 'NORMAL', log);
  const floorIs = 'raw broker QoS 1 pass-through to a subscriber doing no work';
  return [
    figure({ figure: 'sustained ingest, SQLite synchronous=FULL (survives power loss)', unit: 'events/s', ours: full, floor, floorIs, goal: 'ratio ≥ 0.7 (issue 4)' }),
    figure({ figure: 'sustained ingest, SQLite synchronous=NORMAL (survives a bridge crash)', unit: 'events/s', ours: normal, floor, floorIs }),
  ];
}
