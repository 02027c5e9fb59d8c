import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import type { CounterEvent } from '@okienko/protocol';
import { startMosquitto } from '../test/helpers/mosquitto.ts';
import { BridgeProc } from '../test/helpers/faults.ts';
import { LoadFleet, countInStore, rssMb } from '../test/helpers/load.ts';
import { readSse } from './sse.ts';
import { figure, percentile, type Figure } from './stats.ts';

/**
 * The soak: 10,000 simulated counters (five `okienko sim` processes) through Mosquitto to a
 * bridge process on SQLite, pressing at ten times an office's peak for `minutes`, with a
 * dashboard's live stream open. Expected peak: a counter serves a client every 5 minutes at the
 * busiest hour — serving, free, a vote: 0.6 presses a minute; ten times that is 6 a minute per
 * counter, 1,000 a second in all.
 *
 * Measured side by side: press → on the dashboard's stream (each event's own time to its arrival
 * on the stream), beside raw MQTT publish → subscribe through the same broker at the same time
 * (a probe at 10 messages a second); and every component's resident memory after a warm-up
 * against at the end.
 */
export async function soakFigures(opts: { counters: number; minutes: number; perMinute: number }): Promise<Figure[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-soak-'));
  const mosq = await startMosquitto();
  const storeFile = path.join(dir, 'okienko.db');
  // --expose-gc: heap samples are taken after a full collection, what is live — a leak shows
  // there as a rising line, where resident memory also holds pages V8 keeps for reuse.
  const env = { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --expose-gc`.trim() };
  const bridge = await BridgeProc.start({ mqttUrl: mosq.url, store: `sqlite:${storeFile}`, clientId: 'soak-bridge', env });
  const fleet = await LoadFleet.start({ mqttUrl: mosq.url, counters: opts.counters, dataDir: path.join('/dev/shm', path.basename(dir)), env });
  const abort = new AbortController();
  const latencies: number[] = [];
  const floor: number[] = [];
  const memory: { at: number; rss: Record<string, number> }[] = [];
  const heaps: Record<string, number>[] = [];
  const pids = { bridge: bridge.proc!.child.pid!, mosquitto: mosq.pid(), ...Object.fromEntries(fleet.pids().map((pid, i) => [`sim${i + 1}`, pid])) };
  let measuring = false;
  try {
    await readSse(
      `${bridge.base}/api/stream?events=true`,
      (event, data) => {
        if (event !== 'event' || !measuring) return;
        latencies.push(Date.now() - (JSON.parse(data) as { event: CounterEvent }).event.at);
      },
      abort.signal,
      { cookie: bridge.api.cookie },
    );
    // The floor: raw publish → subscribe through the same broker, under the same load.
    const probeSub = await mqtt.connectAsync(mosq.url, { clientId: 'soak-probe-sub' });
    await probeSub.subscribeAsync('soak/probe', { qos: 1 });
    probeSub.on('message', (_t, payload) => measuring && floor.push(Date.now() - Number(payload.toString())));
    const probePub = await mqtt.connectAsync(mosq.url, { clientId: 'soak-probe-pub' });
    const probe = setInterval(() => void probePub.publishAsync('soak/probe', String(Date.now()), { qos: 1 }), 100);

    await fleet.setRate(opts.perMinute);
    const sample = (): void => {
      memory.push({ at: Date.now(), rss: Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, rssMb(pid)])) });
    };
    // A forced full collection pauses a process (a simulator's 2,000 counters for ~0.1-0.3 s), and
    // events pressed meanwhile wait: taken every 30 s it put ~3 % of events behind a pause and
    // doubled the soak's p99. Every 3 minutes is enough to see a line rise.
    const sampleHeaps = async (): Promise<void> => {
      heaps.push({ bridge: await bridgeHeapAfterGc(bridge.base), ...Object.fromEntries((await fleet.memory()).map((m, i) => [`sim${i + 1}`, m.heapAfterGcMb!])) });
    };
    // Past the simulated displays filling their 32-screen histories (a screen every 4 s and more on
    // presses): the 30-minute run with 2 minutes of warm-up read them as the first 5 MB of "growth".
    const warmUpMs = Math.min(180_000, (opts.minutes * 60_000) / 5);
    await new Promise((r) => setTimeout(r, warmUpMs));
    measuring = true;
    sample();
    await sampleHeaps();
    const sampler = setInterval(sample, 30_000);
    const heapSampler = setInterval(() => void sampleHeaps(), 180_000);
    await new Promise((r) => setTimeout(r, opts.minutes * 60_000 - warmUpMs));
    clearInterval(sampler);
    clearInterval(heapSampler);
    sample();
    await sampleHeaps();
    measuring = false;
    clearInterval(probe);
    const load = await fleet.setRate(0);
    await probePub.endAsync();
    await probeSub.endAsync();

    // What was pressed was stored: the soak loses nothing either.
    const deadline = Date.now() + 180_000;
    let count = countInStore(await fleet.rows(), storeFile);
    while (count.stored < count.confirmed && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 2000));
      count = countInStore(await fleet.rows(), storeFile);
    }
    const first = memory[0]!;
    const last = memory.at(-1)!;
    const measuredS = (last.at - first.at) / 1000;
    const note = `${opts.counters} counters, ${opts.perMinute} presses/min each (${Math.round((opts.counters * opts.perMinute) / 60)}/s), ${opts.minutes} min (${Math.round(warmUpMs / 1000)} s warm-up); ${latencies.length} events timed; presses ${load.presses}, refused ${load.refused}; counted in the store: ${JSON.stringify(count)}`;
    const figures: Figure[] = [
      figure({ figure: 'soak: press → dashboard stream p50', unit: 'ms', ours: percentile(latencies, 50), floor: percentile(floor, 50), floorIs: 'raw MQTT publish → subscribe through the same Mosquitto, at the same time', note }),
      figure({ figure: 'soak: press → dashboard stream p99', unit: 'ms', ours: percentile(latencies, 99), floor: percentile(floor, 99), floorIs: 'raw MQTT publish → subscribe through the same Mosquitto, at the same time', goal: 'under 1,000 ms' }),
      figure({ figure: 'soak: events stored per second', unit: 'events/s', ours: latencies.length / measuredS, floor: (opts.counters * opts.perMinute) / 60, floorIs: 'the rate pressed', goal: 'keeps up (ratio ≈ 1)' }),
    ];
    for (const name of Object.keys(pids)) {
      figures.push(
        figure({
          figure: `soak: ${name} memory at the end`,
          unit: 'MB RSS',
          ours: last.rss[name]!,
          floor: first.rss[name]!,
          floorIs: `the same after the warm-up; samples every 30 s: ${memory.map((m) => Math.round(m.rss[name]!)).join(',')}`,
          goal: 'no growth (ratio ≈ 1)',
        }),
      );
    }
    for (const name of Object.keys(heaps[0]!)) {
      figures.push(
        figure({
          figure: `soak: ${name} JS heap after a full GC at the end`,
          unit: 'MB',
          ours: heaps.at(-1)![name]!,
          floor: heaps[0]![name]!,
          floorIs: `the same after the warm-up; samples every 3 min: ${heaps.map((h) => h[name]!.toFixed(1)).join(',')}`,
          goal: 'no growth (ratio ≈ 1)',
        }),
      );
    }
    return figures;
  } finally {
    abort.abort();
    await fleet.stop();
    await bridge.stop();
    await mosq.stop();
    fs.rmSync(path.join('/dev/shm', path.basename(dir)), { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The bridge's JS heap after a full collection, from its /metrics (the gauge exists under --expose-gc). */
async function bridgeHeapAfterGc(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('okienko_bridge_heap_after_gc_bytes '));
  if (!line) throw new Error('the bridge reports no heap after GC: is it running with --expose-gc?');
  return Number(line.split(' ')[1]) / 2 ** 20;
}
