import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
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
async function runLoad(req: LoadRequest, received: Map<string, number>): Promise<Samples> {
  const child = fork(CHILD, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  // Counters are machines of their own; here ten simulated ones share the two cores with the
  // broker, the bridge and this process reading the stream. At a lower priority they wait while
  // those have work, as they would never take it from them in an office; the floor's publisher
  // runs the same way. Left at the same priority, their work held up the others' event loops:
  // p99 over the floor +2.0-3.4 ms in six rounds, against +1.4-2.2 with them niced.
  os.setPriority(child.pid!, 10);
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

/**
 * Rounds, each with its own floor measured just before it: the middle one is reported. One round
 * alone let one slow moment decide the figure: on these two shared cores every process here,
 * this one reading the stream among them, has its event loop held up 6-20 ms now and then, and
 * a run of ours took 11.6 ms at p99 where the runs just after it took 2.7-3.6.
 */
const ROUNDS = 3;

type Samples = { fromSend: number[]; fromPublish: number[] };
type Round = { raw: number[]; ours: Samples };

export async function latencyFigures(url: string, dir: string, opts = { total: 10_000, warmUp: 5_000, rate: 1000 }): Promise<Figure[]> {
  const base = { url, dir, total: opts.total, warmUp: opts.warmUp, rate: opts.rate, counters: 10 };
  const runs: Record<'FULL' | 'NORMAL', Round[]> = { FULL: [], NORMAL: [] };
  for (let i = 0; i < ROUNDS; i++) {
    const roundDir = path.join(dir, String(i));
    fs.mkdirSync(roundDir, { recursive: true });
    const raw = await floorLatency(base);
    for (const sync of ['FULL', 'NORMAL'] as const) runs[sync].push({ raw, ours: await ourLatency({ ...base, dir: roundDir }, sync) });
  }
  const floorIs = `raw MQTT QoS 1 publish → subscribe through the same broker, ${opts.rate}/s, measured just before; the middle of ${ROUNDS} rounds`;
  const at = `at ${opts.rate} events/s`;
  const rows: Figure[] = [];
  for (const sync of ['FULL', 'NORMAL'] as const) {
    // The goal's figure decides the middle round: p99 from the counter's publish, over its floor.
    const over = (r: Round) => percentile(r.ours.fromPublish, 99) - percentile(r.raw, 99);
    const { raw, ours } = [...runs[sync]].sort((a, b) => over(a) - over(b))[Math.floor(ROUNDS / 2)]!;
    const note = `p99 over the floor in each round: ${runs[sync].map((r) => `${over(r) >= 0 ? '+' : ''}${over(r).toFixed(2)}`).join(', ')} ms`;
    const name = `SQLite ${sync}`;
    // Issue 4's figure: from the counter's publish, as the floor is from the raw publish.
    rows.push(
      figure({ figure: `device publish → live stream latency p50 ${at}, ${name}`, unit: 'ms', ours: percentile(ours.fromPublish, 50), floor: percentile(raw, 50), floorIs }),
      figure({ figure: `device publish → live stream latency p99 ${at}, ${name}`, unit: 'ms', ours: percentile(ours.fromPublish, 99), floor: percentile(raw, 99), floorIs, note, goal: 'within 3 ms of the floor (issue 4)' }),
      // What a resident's press costs in all: the counter's own work (outbox fsync, display) too.
      figure({ figure: `press → live stream latency p50 ${at}, ${name}`, unit: 'ms', ours: percentile(ours.fromSend, 50), floor: percentile(raw, 50), floorIs }),
      figure({ figure: `press → live stream latency p99 ${at}, ${name}`, unit: 'ms', ours: percentile(ours.fromSend, 99), floor: percentile(raw, 99), floorIs }),
    );
  }
  return rows;
}

/** Floor: raw QoS 1 publish (load process) → subscribe (here) through the same broker. */
async function floorLatency(base: Omit<LoadRequest, 'mode'>): Promise<number[]> {
  const sub = await mqtt.connectAsync(base.url, { clientId: `bench-raw-sub-${process.pid}` });
  await sub.subscribeAsync(RAW_TOPIC, { qos: 1 });
  const rawReceived = new Map<string, number>();
  sub.on('message', (_t, p) => rawReceived.set(String(p.readUInt32BE(0)), nowUs()));
  const raw = (await runLoad({ ...base, mode: 'raw' }, rawReceived)).fromSend;
  await sub.endAsync();
  return raw;
}

/**
 * Press (load process: durable outbox, MQTT) → bridge (validate, store, project) → SSE (here).
 * The bridge runs as `okienko bridge` in a process of its own, as an office runs it: the floor's
 * subscriber has this process to itself, and so does the bridge.
 */
async function ourLatency(base: Omit<LoadRequest, 'mode'>, synchronous: 'FULL' | 'NORMAL'): Promise<Samples> {
  const store = `sqlite:${path.join(base.dir, `latency-${synchronous}.db`)}?synchronous=${synchronous}`;
  const clientId = `bench-bridge-lat-${synchronous}-${process.pid}`;
  const bridge = await BridgeProc.start({ mqttUrl: base.url, store, clientId });
  const received = new Map<string, number>();
  const abort = new AbortController();
  await readSse(
    `${bridge.base}/api/stream?events=true`,
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
