import { z } from 'zod';
import { runBench } from '../bench/run.ts';
import { positiveInt, type Command } from './options.ts';

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
    await runBench({
      events: v.events as number,
      presses: v.presses as number,
      ingest: v.ingest as number,
      only: typeof v.only === 'string' ? v.only : undefined,
      soakMinutes: v.soakMinutes as number,
      soakCounters: v.soakCounters as number,
    });
    process.exit(0);
  },
};
