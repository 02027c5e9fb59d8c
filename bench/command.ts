import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { z } from 'zod';
import type { Command } from '../cli/options.ts';
import { positiveInt } from '../cli/options.ts';
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

export const benchCommand: Command = {
  name: 'bench',
  summary: 'measure our figures beside their floors in one run; writes bench/results/latest.json',
  settings: {
    events: { flag: 'events', env: 'OKIENKO_BENCH_EVENTS', default: '10000', schema: positiveInt, help: 'Events measured in each latency run (at 1,000/s, after 5,000 to warm up).' },
    presses: { flag: 'presses', env: 'OKIENKO_BENCH_PRESSES', default: '10000', schema: positiveInt, help: 'Presses in the device memory run.' },
    ingest: { flag: 'ingest', env: 'OKIENKO_BENCH_INGEST', default: '20000', schema: positiveInt, help: 'Events in each ingest run.' },
    only: { flag: 'only', env: 'OKIENKO_BENCH_ONLY', schema: z.string().regex(/^(latency|ingest|auth|device|board|soak)(,(latency|ingest|auth|device|board|soak))*$/, 'a comma-separated list of latency, ingest, auth, device, board, soak').optional(), help: 'Run only these parts (latency,ingest,auth,device,board,soak); results then go to stdout, not latest.json (soak: to results/soak.json).' },
    soakMinutes: { flag: 'soak-minutes', env: 'OKIENKO_SOAK_MINUTES', default: '30', schema: positiveInt, help: 'How long the soak presses (only with --only soak: it is not part of the default run).' },
    soakCounters: { flag: 'soak-counters', env: 'OKIENKO_SOAK_COUNTERS', default: '10000', schema: positiveInt, help: 'Simulated counters in the soak.' },
  },
  async run(v) {
    const log = pino({ level: 'warn' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-bench-'));
    const broker = await startBrokerProcess();
    const figures: Figure[] = [];
    const only = typeof v.only === 'string' ? new Set(v.only.split(',')) : null;
    const part = async (name: string, what: string, run: () => Promise<Figure[]>): Promise<void> => {
      if (only && !only.has(name)) return;
      process.stderr.write(`bench: ${what} …\n`);
      figures.push(...(await run()));
    };
    try {
      await part('latency', 'latency at 1,000 events/s', () => latencyFigures(broker.url, path.join(dir, 'latency'), { total: v.events as number, warmUp: 5_000, rate: 1000 }));
      await part('ingest', 'ingest rate', () => ingestFigures(broker.url, broker.pid, path.join(dir, 'ingest'), v.ingest as number));
      await part('auth', 'secrets on connect', () => authFigures());
      await part('device', 'the counter device', () => deviceFigures(broker.url, v.presses as number));
      await part('board', 'the live board with 1,000 counters in Chromium', () => boardFigures(broker.url, path.join(dir, 'board'), log));
      // Half an hour: only when asked for by name.
      if (only?.has('soak')) await part('soak', `the soak: ${v.soakCounters as number} counters for ${v.soakMinutes as number} min`, () => soakFigures({ counters: v.soakCounters as number, minutes: v.soakMinutes as number, perMinute: 6 }));
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
    process.exit(0);
  },
};
