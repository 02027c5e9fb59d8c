import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { BridgeProc } from '../test/helpers/faults.ts';
import { figure, percentile, type Figure } from './stats.ts';
import { endSession } from './broker-process.ts';
import { readSse } from './sse.ts';
import { RAW_TOPIC, nowUs, type LoadRequest, type LoadResult } from './load-child.ts';

const CHILD = fileURLToPath(new URL('./load-child.ts', import.meta.url));

/**
 * Run the load in its own process; `received` maps each key to when it arrived here (µs). Returns
 * the latencies (ms) from the send, and for counters also from the moment the event went out.
 */
async function runLoad(req: LoadRequest, received: Map<string, number>): Promise<{ fromSend: number[]; fromPublish: number[] }> {
  const child = fork(CHILD, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  // Listened for from the start: the child may be gone before the last event is counted here.
  const exited = new Promise((r) => child.once('exit', r));
  // A load process that dies says so here, instead of leaving the bench waiting for its message.
  const next = (): Promise<{ type: string } & Partial<LoadResult>> =>
    new Promise((resolve, reject) => {
      // Its last message may still be on the way when its exit is reported: give it a second.
      const gone = (code: number | null): void => void setTimeout(() => reject(new Error(`bench: the load process exited (${code}) before it answered`)), 1000);
      child.once('exit', gone);
      child.once('message', (m) => (child.off('exit', gone), resolve(m as never)));
    });
  child.send(req);
  await next(); // ready
  child.send({ type: 'go' });
  const done = await next();
  const sent = new Map(done.sent!);
  const deadline = Date.now() + 60_000;
  while ([...sent.keys()].some((k) => !received.has(k))) {
    if (Date.now() > deadline) throw new Error(`bench: ${[...sent.keys()].filter((k) => !received.has(k)).length} of ${sent.size} never arrived`);
    await new Promise((r) => setTimeout(r, 20));
  }
  await exited;
  return {
    fromSend: [...sent].map(([k, t0]) => (received.get(k)! - t0) / 1000),
    fromPublish: (done.published ?? []).filter(([k]) => received.has(k)).map(([k, t0]) => (received.get(k)! - t0) / 1000),
  };
}

export async function latencyFigures(url: string, dir: string, opts = { total: 10_000, warmUp: 5_000, rate: 1000 }): Promise<Figure[]> {
  fs.mkdirSync(dir, { recursive: true });
  const base = { url, dir, total: opts.total, warmUp: opts.warmUp, rate: opts.rate, counters: 10 };

  // Floor: raw QoS 1 publish (load process) → subscribe (here) through the same broker.
  const sub = await mqtt.connectAsync(url, { clientId: `bench-raw-sub-${process.pid}` });
  await sub.subscribeAsync(RAW_TOPIC, { qos: 1 });
  const rawReceived = new Map<string, number>();
  sub.on('message', (_t, p) => rawReceived.set(String(p.readUInt32BE(0)), nowUs()));
  const raw = (await runLoad({ ...base, mode: 'raw' }, rawReceived)).fromSend;
  await sub.endAsync();

  const full = await ourLatency(base, 'FULL');
  const normal = await ourLatency(base, 'NORMAL');

  const floorIs = `raw MQTT QoS 1 publish → subscribe through the same broker, ${opts.rate}/s`;
  const at = `at ${opts.rate} events/s`;
  const rows: Figure[] = [];
  for (const [name, r] of [['SQLite FULL', full], ['SQLite NORMAL', normal]] as const) {
    // Issue 4's figure: from the counter's publish, as the floor is from the raw publish.
    rows.push(
      figure({ figure: `device publish → live stream latency p50 ${at}, ${name}`, unit: 'ms', ours: percentile(r.fromPublish, 50), floor: percentile(raw, 50), floorIs }),
      figure({ figure: `device publish → live stream latency p99 ${at}, ${name}`, unit: 'ms', ours: percentile(r.fromPublish, 99), floor: percentile(raw, 99), floorIs, goal: 'within 3 ms of the floor (issue 4)' }),
      // What a resident's press costs in all: the counter's own work (outbox fsync, display) too.
      figure({ figure: `press → live stream latency p50 ${at}, ${name}`, unit: 'ms', ours: percentile(r.fromSend, 50), floor: percentile(raw, 50), floorIs }),
      figure({ figure: `press → live stream latency p99 ${at}, ${name}`, unit: 'ms', ours: percentile(r.fromSend, 99), floor: percentile(raw, 99), floorIs }),
    );
  }
  return rows;
}

/**
 * Press (load process: durable outbox, MQTT) → bridge (validate, store, project) → SSE (here).
 * The bridge runs as `okienko bridge` in a process of its own, as an office runs it: the floor's
 * subscriber has this process to itself, and so does the bridge.
 */
async function ourLatency(base: Omit<LoadRequest, 'mode'>, synchronous: 'FULL' | 'NORMAL'): Promise<{ fromSend: number[]; fromPublish: number[] }> {
  const store = `sqlite:${path.join(base.dir, `latency-${synchronous}.db`)}?synchronous=${synchronous}`;
  const clientId = `bench-bridge-lat-${synchronous}-${process.pid}`;
  const bridge = await BridgeProc.start({ mqttUrl: base.url, store, clientId });
  const received = new Map<string, number>();
  const abort = new AbortController();
  await readSse(
    `${bridge.base}/api/stream`,
    (event, data) => {
      if (event !== 'event') return;
      const { event: e } = JSON.parse(data) as { event: { counter: string; seq: number } };
      received.set(`${e.counter}/${e.seq}`, nowUs());
    },
    abort.signal,
    { cookie: bridge.api.cookie },
  );
  // Each run gets fresh counters, so their sequence numbers start from 1 again. Counters are
  // separate machines with their own SD cards: their outboxes go to memory (/dev/shm) where there
  // is one, so ten counters' fsyncs don't queue on the bridge's disk as they never would in an
  // office (the counter's own press → confirm cost is the device bench's).
  const deviceDir = fs.existsSync('/dev/shm') ? fs.mkdtempSync('/dev/shm/okienko-bench-') : path.join(base.dir, synchronous);
  const samples = await runLoad({ ...base, dir: deviceDir, mode: 'devices' }, received).finally(() => {
    if (deviceDir.startsWith('/dev/shm/')) fs.rmSync(deviceDir, { recursive: true, force: true });
  });
  abort.abort();
  await bridge.stop();
  await endSession(base.url, clientId);
  return samples;
}
