import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { startBrokerProcess } from './broker-process.ts';
import { ingestFigures } from './ingest.ts';
import { latencyFigures } from './latency.ts';
import { deviceFigures } from './device.ts';
import { authFigures } from './auth.ts';
import { boardFigures } from './board.ts';
import { soakFigures } from './soak.ts';
import type { Figure } from './stats.ts';

const RESULTS = fileURLToPath(new URL('./results/latest.json', import.meta.url));
const SOAK_RESULTS = fileURLToPath(new URL('./results/soak.json', import.meta.url));

/** What a run is asked for; `okienko bench` (cli/bench.ts) reads it from flags and environment. */
export interface BenchRun {
  events: number;
  presses: number;
  ingest: number;
  /** Only these parts, comma-separated; the record is then not written. */
  only?: string;
  soakMinutes: number;
  soakCounters: number;
}

/** Measure every figure beside its floor in one run, print the report and write the record. */
// The command exits when this resolves: child processes and Chromium may leave handles open.
export async function runBench(v: BenchRun): Promise<void> {
  const log = pino({ level: 'warn' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-bench-'));
  const broker = await startBrokerProcess();
  const figures: Figure[] = [];
  const only = v.only ? new Set(v.only.split(',')) : null;
  const part = async (name: string, what: string, run: () => Promise<Figure[]>): Promise<void> => {
    if (only && !only.has(name)) return;
    process.stderr.write(`bench: ${what} …\n`);
    figures.push(...(await run()));
  };
  try {
    await part('latency', 'latency at 1,000 events/s', () => latencyFigures(broker.url, path.join(dir, 'latency'), { total: v.events, warmUp: 5_000, rate: 1000 }));
    await part('ingest', 'ingest rate', () => ingestFigures(broker.url, broker.pid, path.join(dir, 'ingest'), v.ingest));
    await part('auth', 'secrets on connect', () => authFigures());
    await part('device', 'the counter device', () => deviceFigures(broker.url, v.presses));
    await part('board', 'the live board with 1,000 counters in Chromium', () => boardFigures(broker.url, path.join(dir, 'board'), log));
    // Half an hour: only when asked for by name.
    if (only?.has('soak')) await part('soak', `the soak: ${v.soakCounters} counters for ${v.soakMinutes} min`, () => soakFigures({ counters: v.soakCounters, minutes: v.soakMinutes, perMinute: 6 }));
  } finally {
    await broker.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const report = {
    at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    broker: 'embedded aedes, own process, loopback',
    figures,
  };
  // A partial run is for looking, not for the record; the soak keeps its own.
  if (!only || (only.size === 1 && only.has('soak'))) {
    const file = only ? SOAK_RESULTS : RESULTS;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  }
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}
