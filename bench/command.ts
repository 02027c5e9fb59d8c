import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { Command } from '../cli/options.ts';
import { positiveInt } from '../cli/options.ts';
import { startBrokerProcess } from './broker-process.ts';
import { ingestFigures } from './ingest.ts';
import { latencyFigures } from './latency.ts';
import { deviceFigures } from './device.ts';
import { authFigures } from './auth.ts';
import type { Figure } from './stats.ts';

const RESULTS = fileURLToPath(new URL('./results/latest.json', import.meta.url));

export const benchCommand: Command = {
  name: 'bench',
  summary: 'measure our figures beside their floors in one run; writes bench/results/latest.json',
  settings: {
    events: { flag: 'events', env: 'OKIENKO_BENCH_EVENTS', default: '10000', schema: positiveInt, help: 'Events in the latency run (at 1,000/s).' },
    presses: { flag: 'presses', env: 'OKIENKO_BENCH_PRESSES', default: '10000', schema: positiveInt, help: 'Presses in the device memory run.' },
    ingest: { flag: 'ingest', env: 'OKIENKO_BENCH_INGEST', default: '20000', schema: positiveInt, help: 'Events in each ingest run.' },
  },
  async run(v) {
    const log = pino({ level: 'warn' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-bench-'));
    const broker = await startBrokerProcess();
    const figures: Figure[] = [];
    try {
      process.stderr.write('bench: latency at 1,000 events/s …\n');
      figures.push(...(await latencyFigures(broker.url, path.join(dir, 'latency'), log, { total: v.events as number, rate: 1000 })));
      process.stderr.write('bench: ingest rate …\n');
      figures.push(...(await ingestFigures(broker.url, path.join(dir, 'ingest'), log, v.ingest as number)));
      process.stderr.write('bench: secrets on connect …\n');
      figures.push(...(await authFigures()));
      process.stderr.write('bench: the counter device …\n');
      figures.push(...(await deviceFigures(broker.url, v.presses as number)));
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
    fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
    fs.writeFileSync(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    process.exit(0);
  },
};
