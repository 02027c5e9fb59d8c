import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { counterTopic, newEventId, type CounterEvent } from '@okienko/protocol';
import { freshDatabase, startPostgres } from '../test/helpers/postgres.ts';
import { BridgeProc } from '../test/helpers/faults.ts';
import type { SubCommand, SubRequest } from './ingest-sub-child.ts';
import { figure, type Figure } from './stats.ts';
import { endSession } from './broker-process.ts';
import { canMeterCpu, meterCpu, perEvent, type CpuUse, type Metered } from './cpu.ts';

const COUNTERS = 20;
const WARM_UP = 10_000;
const SUB_CHILD = fileURLToPath(new URL('./ingest-sub-child.ts', import.meta.url));

function events(total: number, site = 'bench'): { topic: string; payload: string }[] {
  const out: { topic: string; payload: string }[] = [];
  const at = Date.now();
  for (let i = 0; i < total; i++) {
    const ref = { site, counter: `c${i % COUNTERS}` };
    const e: CounterEvent = {
      v: 1,
      ...ref,
      // As a counter makes them (time first); a bench of random ids measures an index no device makes.
      id: newEventId(at + i),
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

/** A run's rate, and the CPU time each of its processes spent on it (null where it can't be read). */
interface Measured {
  rate: number;
  cpu: CpuUse | null;
}

/**
 * Publish every message QoS 1 as fast as the client can; resolves when `done()` holds, to the
 * rate up to `finishedAt()` (by default, when `done()` was seen to hold), and the CPU time of
 * `processes` meanwhile.
 */
async function blast(
  url: string,
  msgs: { topic: string; payload: string }[],
  done: () => boolean,
  processes: Record<string, Metered>,
  finishedAt = () => performance.now(),
): Promise<Measured> {
  const pub = await mqtt.connectAsync(url, { clientId: `bench-ingest-pub-${process.pid}-${Math.random()}` });
  const stop = canMeterCpu() ? meterCpu(processes) : null;
  const t0 = performance.now();
  for (const m of msgs) pub.publish(m.topic, m.payload, { qos: 1 });
  await until(done, 300_000, 'all messages');
  const cpu = stop?.() ?? null;
  const seconds = (finishedAt() - t0) / 1000;
  await pub.endAsync();
  return { rate: msgs.length / seconds, cpu };
}

/**
 * The floor: the broker's QoS 1 pass-through to a subscriber that does no work, in a process of
 * its own as the bridge is. `persistent`: with a session the broker keeps (clean: false), as the
 * bridge's must be — what that costs the broker, apart from anything the bridge does.
 */
async function rawRate(url: string, brokerPid: number, total: number, persistent = false): Promise<Measured> {
  const child = fork(SUB_CHILD, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise((r) => child.once('exit', r));
  let reached = false;
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench: the floor's subscriber exited (${code})`)));
    child.on('message', (m: { type: string }) => (m.type === 'ready' ? resolve() : m.type === 'reached' && (reached = true)));
  });
  const req: SubRequest = { url, clientId: `bench-ingest-sub-${persistent ? 'persistent' : 'clean'}-${process.pid}`, persistent };
  child.send(req);
  await ready;
  child.send({ type: 'expect', n: total } satisfies SubCommand);
  const run = await blast(url, events(total), () => reached, { broker: brokerPid, subscriber: child.pid!, publisher: 'self' });
  child.send({ type: 'end' } satisfies SubCommand);
  await exited;
  return run;
}

/**
 * The bridge as an office runs it, `okienko bridge` in a process of its own: validate, store
 * durably, project state, tell the live hub, then PUBACK. Counted from its /api/health.
 */
async function bridgeRate(url: string, store: string, name: string, total: number, servers: Record<string, Metered>): Promise<Measured> {
  const clientId = `bench-bridge-ingest-${name}-${process.pid}`;
  const bridge = await BridgeProc.start({ mqttUrl: url, store, clientId });
  // The bridge's count of stored events, asked for every 25 ms: each time it answers, when (the
  // middle of the request) and how many. Asked every few ms, the requests took 5 % of the
  // bridge's time and more of the publisher's, which the floor's subscriber (telling once, when
  // done) does not pay; the moment the last event was stored is worked out between two answers.
  let samples: { at: number; stored: number }[] = [];
  let polling = true;
  const poll = (async () => {
    while (polling) {
      const asked = performance.now();
      const { stored } = await bridge.health();
      samples.push({ at: (asked + performance.now()) / 2, stored });
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  const stored = () => samples.at(-1)?.stored ?? 0;
  /** When the count reached `target`, at the rate between the answers either side of it. */
  const reached = (target: number) => (): number => {
    const i = samples.findIndex((x) => x.stored >= target);
    const [a, b] = [samples[i - 1], samples[i]!];
    if (!a) return b.at;
    return a.at + ((b.at - a.at) * (target - a.stored)) / (b.stored - a.stored);
  };
  try {
    // Wait until the bridge is subscribed: a first event goes through.
    const probe = events(1);
    const warm = await mqtt.connectAsync(url, { clientId: `bench-probe-${process.pid}` });
    const deadline = Date.now() + 10_000;
    while (stored() === 0 && Date.now() < deadline) {
      await warm.publishAsync(probe[0]!.topic, probe[0]!.payload, { qos: 1 });
      await new Promise((r) => setTimeout(r, 50));
    }
    await warm.endAsync();
    // Sustained means warm: a bridge just started runs its first thousands of messages through
    // V8's interpreter and baseline compiler. Counters of their own, so the figure's counters
    // start fresh.
    const cold = stored();
    const processes = { ...servers, bridge: bridge.proc!.child.pid!, publisher: 'self' as const };
    await blast(url, events(WARM_UP, 'warm-up'), () => stored() - cold >= WARM_UP, processes);
    const before = stored();
    samples = samples.slice(-1);
    return await blast(url, events(total), () => stored() - before >= total, processes, reached(before + total));
  } finally {
    polling = false;
    await poll;
    await bridge.stop();
    await endSession(url, clientId);
  }
}

/**
 * Rounds of every run, each beside its own floors: the middle one is reported. Five, not three:
 * one run's PostgreSQL rounds here spread over 0.45-0.80 of the floor, and the middle of three
 * moved 0.56-0.75 between five runs of the same code in an hour — too wide to tell a figure from
 * its goal.
 */
const ROUNDS = 5;

type Run = { rate: number; floor: number; cpu: CpuUse | null; floorCpu: CpuUse | null };
/** The round whose ratio to its floor is the middle one. */
const middle = (runs: Run[]): Run => [...runs].sort((a, b) => a.rate / a.floor - b.rate / b.floor)[Math.floor(runs.length / 2)]!;
const rounds = (runs: Run[]): string => `ratio in each round: ${runs.map((r) => (r.rate / r.floor).toFixed(3)).join(', ')}`;

/** Two runs' CPU, process by process, averaged (the floors either side of one of ours). */
function meanCpu(a: CpuUse | null, b: CpuUse | null): CpuUse | null {
  if (!a || !b) return null;
  return Object.fromEntries(Object.keys(a).map((k) => [k, (a[k]! + b[k]!) / 2]));
}

/**
 * Every process's CPU time per event in a run, beside the floor's: on a machine of few cores, all
 * of them share the same cores, and the rate ratio is exactly the CPU ratio (floor ÷ ours) times
 * how much busier ours keeps the cores than the floor does. Nothing where /proc can't be read.
 */
function cpuFigure(name: string, run: Run, events: number): Figure[] {
  if (!run.cpu || !run.floorCpu) return [];
  const ours = perEvent(run.cpu, events);
  const floor = perEvent(run.floorCpu, events);
  const busy = (rate: number, us: number) => (rate * us) / 1e6;
  const [oursBusy, floorBusy] = [busy(run.rate, ours.total), busy(run.floor, floor.total)];
  const note =
    `the round reported above; ours: ${ours.text}; floor: ${floor.text}. Rate ratio ${(run.rate / run.floor).toFixed(3)} = ` +
    `CPU ratio ${(floor.total / ours.total).toFixed(3)} × busy cores ${oursBusy.toFixed(2)} ÷ ${floorBusy.toFixed(2)} (of ${os.availableParallelism()})`;
  return [figure({ figure: `CPU time per event, every process of the run: ${name}`, unit: 'µs', ours: ours.total, floor: floor.total, floorIs: 'the same in the raw pass-through runs beside it (lower is better)', note })];
}

export async function ingestFigures(url: string, brokerPid: number, dir: string, total = 20_000): Promise<Figure[]> {
  // This machine's rate drifts from run to run (floors 35-55k/s within the hour): each of ours is
  // set beside the floor measured just before and just after it, and every run is made ROUNDS
  // times, in turn with the others, so that a slow minute falls on all of them alike.
  await rawRate(url, brokerPid, total); // warm-up: a cold broker and client are slower, which would flatter us
  // PostgreSQL as an office runs it: its own server on this machine, fsync and synchronous_commit on.
  const server = await startPostgres();
  const runs: Record<'full' | 'normal' | 'postgres', Run[]> = { full: [], normal: [], postgres: [] };
  try {
    const floors = [await rawRate(url, brokerPid, total)];
    const beside = async (run: () => Promise<Measured>): Promise<Run> => {
      const { rate, cpu } = await run();
      floors.push(await rawRate(url, brokerPid, total));
      const [a, b] = [floors.at(-2)!, floors.at(-1)!];
      return { rate, cpu, floor: (a.rate + b.rate) / 2, floorCpu: meanCpu(a.cpu, b.cpu) };
    };
    const broker = { broker: brokerPid };
    for (let round = 0; round < ROUNDS; round++) {
      const sqlite = (sync: string) => `sqlite:${path.join(dir, `ingest-${sync.toLowerCase()}-${round}.db`)}?synchronous=${sync}`;
      runs.full.push(await beside(() => bridgeRate(url, sqlite('FULL'), 'full', total, broker)));
      runs.normal.push(await beside(() => bridgeRate(url, sqlite('NORMAL'), 'normal', total, broker)));
      const store = await freshDatabase(server.url);
      runs.postgres.push(await beside(() => bridgeRate(url, store, 'postgres', total, { ...broker, postgres: server.pid })));
    }
  } finally {
    await server.stop();
  }
  const [full, normal, postgres] = [middle(runs.full), middle(runs.normal), middle(runs.postgres)];
  const persistent = (await rawRate(url, brokerPid, total, true)).rate;
  const clean = (await rawRate(url, brokerPid, total)).rate;
  const floorIs = `raw broker QoS 1 pass-through to a subscriber doing no work in a process of its own (mean of the runs just before and after); the middle of ${ROUNDS} rounds`;
  return [
    figure({ figure: 'sustained ingest, SQLite synchronous=FULL (survives power loss)', unit: 'events/s', ours: full.rate, floor: full.floor, floorIs, note: rounds(runs.full), goal: 'ratio ≥ 0.7 (issue 4)' }),
    ...cpuFigure('SQLite synchronous=FULL', full, total),
    figure({ figure: 'sustained ingest, SQLite synchronous=NORMAL (survives a bridge crash)', unit: 'events/s', ours: normal.rate, floor: normal.floor, floorIs, note: rounds(runs.normal) }),
    figure({ figure: 'sustained ingest, PostgreSQL (fsync on, synchronous_commit on)', unit: 'events/s', ours: postgres.rate, floor: postgres.floor, floorIs, note: rounds(runs.postgres), goal: 'ratio ≥ 0.7 (issue 4)' }),
    ...cpuFigure('PostgreSQL', postgres, total),
    // Not a figure of ours: how much of the gap is the broker keeping the bridge's session.
    figure({ figure: 'raw QoS 1 pass-through to a persistent-session subscriber doing no work', unit: 'events/s', ours: persistent, floor: clean, floorIs: 'the same to a clean-session subscriber, measured just after' }),
  ];
}
