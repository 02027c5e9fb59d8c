// A counter in a process of its own, for the memory figures: the real runtime on the simulated
// driver, idle and then after many presses.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CounterDevice, counterDeviceOptions, deviceLogger, machineConfig, systemClock } from '@okienko/device';
import { createHardware, loadProfile } from '@okienko/hardware';

const [url, pressesArg] = process.argv.slice(2) as [string, string];
// As `okienko device` does: the counter runs in its office's zone.
process.env.TZ = 'Europe/Warsaw';
const presses = Number(pressesArg);
/** Resident and heap MB, after a collection: what the counter keeps, not garbage not yet swept. */
const mb = (): { rss: number; heap: number } => {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss / 2 ** 20, heap: m.heapUsed / 2 ** 20 };
};
// Memory is read with the counter idle again, as it is between residents: V8 hands back the
// young generation and slack pages a few seconds after activity stops (8 s is enough here).
const settle = () => new Promise((r) => setTimeout(r, 8000));

{
  // Built as the real program builds it: from the board profile (here the simulated one).
  const created = await createHardware(loadProfile('sim'));
  const hw = created.sim!;
  const device = CounterDevice.open(
    counterDeviceOptions(
      { ref: { site: 'bench', counter: `mem${process.pid}` }, dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-bench-mem-')), url },
      { machine: machineConfig({ feedbackRepeatMs: 0, thanksMs: 1, awayCommitMs: 1 }), clerk: { id: 'k', name: 'Bench Clerk' } },
    ),
    created,
    systemClock(true),
    deviceLogger('warn'),
  );
  await device.start();
  while (!device.link.isUp) await new Promise((r) => setTimeout(r, 10));
  await settle();
  const idle = mb();
  const press = async (n: number) => {
    for (let i = 0; i < n; i++) {
      await hw.press(`face-${(i % 4) + 1}` as 'face-1');
      // Now and then the clerk steps away and comes back: the notice's "back at HH:MM" runs too.
      if (i % 500 === 499) {
        await hw.press('away');
        await new Promise((r) => setTimeout(r, 300)); // the next tick commits the choice
        await hw.press('clerk');
      }
    }
    while (device.outbox.size > 0) await new Promise((r) => setTimeout(r, 20));
    await settle();
  };
  // The first presses run code for the first time (compiled then, kept after): a warm-up, not a leak.
  const warmUp = Math.min(1000, presses);
  await press(warmUp);
  const warm = mb();
  await press(presses - warmUp);
  const after = mb();
  process.send!({ idle: idle.rss, warm: warm.rss, after: after.rss, heapIdle: idle.heap, heapWarm: warm.heap, heapAfter: after.heap });
  await device.stop();
}
process.disconnect?.();
