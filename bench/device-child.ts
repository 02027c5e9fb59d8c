// A counter in a process of its own, for the memory figures: the real runtime on the simulated
// driver, idle and then after many presses.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { CounterDevice, counterDeviceOptions, machineConfig, systemClock } from '@okienko/device';
import { SimulatedHardware } from '@okienko/hardware';

const [url, pressesArg] = process.argv.slice(2) as [string, string];
const presses = Number(pressesArg);
/** Resident and heap MB, after a collection: what the counter keeps, not garbage not yet swept. */
const mb = (): { rss: number; heap: number } => {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss / 2 ** 20, heap: m.heapUsed / 2 ** 20 };
};
const settle = () => new Promise((r) => setTimeout(r, 1000));

{
  const hw = new SimulatedHardware();
  const device = new CounterDevice(
    counterDeviceOptions(
      { ref: { site: 'bench', counter: `mem${process.pid}` }, dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-bench-mem-')), url },
      { machine: machineConfig({ feedbackRepeatMs: 0, thanksMs: 1 }), clerk: { id: 'k', name: 'Bench Clerk' } },
    ),
    hw,
    systemClock(true),
    pino({ level: 'warn' }),
  );
  await device.start();
  while (!device.link.isUp) await new Promise((r) => setTimeout(r, 10));
  await settle();
  const idle = mb();
  for (let i = 0; i < presses; i++) await hw.press(`face-${(i % 4) + 1}` as 'face-1');
  while (device.outbox.size > 0) await new Promise((r) => setTimeout(r, 20));
  await settle();
  const after = mb();
  process.send!({ idle: idle.rss, after: after.rss, heapIdle: idle.heap, heapAfter: after.heap });
  await device.stop();
}
process.disconnect?.();
