import { fork, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { CounterDevice, FileOutbox, PI_NODE_FLAGS, counterDeviceOptions, machineConfig, type Clock } from '@okienko/device';
import { SimulatedHardware } from '@okienko/hardware';
import type { UnsequencedEvent } from '@okienko/protocol';
import { figure, percentile, type Figure } from './stats.ts';
import { DEVICE_BUNDLE, buildDevice, bundleDeviceEntry } from '../build/device-bundle.ts';

// Bundled inside the repository, so they find node_modules as the Pi's install does.
const built = (name: string) => fileURLToPath(new URL(`./.build/${name}.mjs`, import.meta.url));
const source = (name: string) => fileURLToPath(new URL(`./${name}.ts`, import.meta.url));

interface Memory {
  idle: number;
  warm: number;
  after: number;
  heapIdle: number;
  heapWarm: number;
  heapAfter: number;
}

/** Memory of a counter as a Pi runs it: bundled JavaScript on plain Node, with the Pi's V8 flags. */
function memory(name: 'device-child' | 'floor-child', args: string[]): Promise<Partial<Memory> & { idle: number }> {
  return new Promise((resolve, reject) => {
    const child = fork(built(name), args, { execArgv: [...PI_NODE_FLAGS, '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m) => resolve(m as Memory));
    child.once('exit', (code) => code !== 0 && reject(new Error(`${name} exited ${code}`)));
  });
}

const draft = (): UnsequencedEvent => ({
  v: 1, site: 'bench', counter: 'c1', id: randomUUID(), at: Date.now(), clockSynced: true, bootId: 'b',
  type: 'feedback', face: 3, scale: 4, clerk: null, sessionId: null, flagged: false,
});

/** Appends per second with the outbox's own fsync policy, and a bare append + fdatasync loop on the same disk. */
function appendRates(dir: string, n: number): { ours: number; floor: number; oursLat: number[]; floorLat: number[] } {
  const outbox = FileOutbox.open(path.join(dir, 'outbox'), { fsync: 'always' });
  const oursLat: number[] = [];
  let t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    outbox.append(draft());
    oursLat.push(performance.now() - t);
  }
  const ours = n / ((performance.now() - t0) / 1000);
  outbox.close();
  const fd = fs.openSync(path.join(dir, 'bare.log'), 'a');
  const line = `${JSON.stringify({ ...draft(), seq: 1 })}\n`;
  const floorLat: number[] = [];
  t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fs.writeSync(fd, line);
    fs.fdatasyncSync(fd);
    floorLat.push(performance.now() - t);
  }
  const floor = n / ((performance.now() - t0) / 1000);
  fs.closeSync(fd);
  return { ours, floor, oursLat, floorLat };
}

/** Press → light through the simulated driver: the time until the confirming blink starts. */
async function pressToLight(dir: string, n: number): Promise<number[]> {
  const hw = new SimulatedHardware();
  const clock: Clock = { now: () => Date.now(), synced: () => true };
  const device = CounterDevice.open(
    // No broker: the light must not wait for the network, only for the disk.
    counterDeviceOptions(
      { ref: { site: 'bench', counter: 'light' }, dataDir: path.join(dir, 'light'), url: 'mqtt://127.0.0.1:1' },
      { machine: machineConfig({ feedbackRepeatMs: 0, thanksMs: 1 }), clerk: { id: 'k', name: 'Bench Clerk' }, tickMs: 60_000, flushOnStopMs: 0, link: { reconnectMinMs: 60_000, reconnectMaxMs: 60_000 } },
    ),
    hw,
    clock,
    pino({ level: 'silent' }),
  );
  await device.start();
  const samples: number[] = [];
  let started = 0;
  hw.on('change', (s: { flashing: string | null }) => {
    if (s.flashing && started) {
      samples.push(performance.now() - started);
      started = 0;
    }
  });
  for (let i = 0; i < n; i++) {
    started = performance.now();
    await hw.press(`face-${(i % 4) + 1}` as 'face-1');
  }
  await device.stop();
  return samples;
}

/** From the bundled device program being started until its output matches `ready`. */
function startTime(args: string[], ready: RegExp): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [...PI_NODE_FLAGS, DEVICE_BUNDLE, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const check = (d: Buffer): void => {
      out += d.toString();
      if (ready.test(out)) {
        resolve(performance.now() - t0);
        child.kill('SIGKILL');
      }
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.once('exit', (code) => code !== null && code !== 0 && !ready.test(out) && reject(new Error(`exited ${code}: ${out}`)));
  });
}

export async function deviceFigures(url: string, presses = 10_000): Promise<Figure[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-bench-dev-'));
  await buildDevice();
  for (const name of ['device-child', 'floor-child'] as const) await bundleDeviceEntry(source(name), built(name));
  const figures: Figure[] = [];
  const mem = (await memory('device-child', [url, String(presses)])) as Memory;
  const memFloor = await memory('floor-child', [url]);
  const flags = PI_NODE_FLAGS.join(' ');
  figures.push(
    figure({ figure: `device resident memory, idle (${flags})`, unit: 'MB', ours: mem.idle, floor: memFloor.idle, floorIs: 'Node with one MQTT.js connection, same flags', goal: '≤ 60 MB' }),
    figure({ figure: 'device resident memory after 1,000 presses (warm-up)', unit: 'MB', ours: mem.warm, floor: mem.idle, floorIs: 'the same device, idle: code run for the first time is compiled and kept', goal: '≤ 60 MB' }),
    figure({ figure: `device resident memory after ${presses} presses`, unit: 'MB', ours: mem.after, floor: mem.warm, floorIs: 'the same device after the warm-up (flat = ratio ≈ 1)', goal: '≤ 60 MB, flat' }),
    figure({ figure: `device JS heap after ${presses} presses`, unit: 'MB', ours: mem.heapAfter, floor: mem.heapWarm, floorIs: 'the same device after the warm-up: a leak would grow with the presses' }),
  );
  const light = await pressToLight(dir, 2000);
  const rates = appendRates(dir, 3000);
  figures.push(
    figure({ figure: 'press → light (confirming blink), sim driver, p50', unit: 'ms', ours: percentile(light, 50), floor: percentile(rates.floorLat, 50), floorIs: 'one bare append + fdatasync on the same disk' }),
    figure({ figure: 'press → light (confirming blink), sim driver, p99', unit: 'ms', ours: percentile(light, 99), floor: percentile(rates.floorLat, 99), floorIs: 'one bare append + fdatasync on the same disk' }),
    figure({ figure: 'outbox append rate, fsync always', unit: 'events/s', ours: rates.ours, floor: rates.floor, floorIs: 'bare append + fdatasync loop on the same disk' }),
  );
  const config = path.join(dir, 'device.json');
  fs.writeFileSync(config, JSON.stringify({ site: 'bench', counter: 'start', dataDir: path.join(dir, 'start'), mqtt: { url } }));
  const starts: number[] = [];
  const floors: number[] = [];
  for (let i = 0; i < 3; i++) {
    starts.push(await startTime(['--config', config, '--log-level', 'info'], /connected to broker/));
    floors.push(await startTime(['--version'], /\d+\.\d+\.\d+/));
  }
  figures.push(
    figure({ figure: 'device start → ready (connected, display drawn), median of 3', unit: 'ms', ours: percentile(starts, 50), floor: percentile(floors, 50), floorIs: 'the same program printing --version: Node loading the bundle' }),
  );
  fs.rmSync(dir, { recursive: true, force: true });
  return figures;
}
