import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { canMeterCpu, meterCpu, perEvent } from '../../bench/cpu.ts';

// The ingest bench's CPU figures read /proc: a PostgreSQL backend that ends mid-run is counted in
// its parent's times for ended children, a living one in its own. Both must be in the sum.
const BURN_US = 300_000;
const burn = (then = '') => `node -e "const t = process.cpuUsage(); for (let u = process.cpuUsage(t); u.user + u.system < ${BURN_US}; u = process.cpuUsage(t)); ${then}"`;

// Linux only, like the product (npm test installs with apt-get): elsewhere this fails, not skips.
describe('bench CPU meter', () => {
  it("counts a process's children: one that ended during the run and one still running", async () => {
    // sh waits for the first burner, whose time then is sh's (an ended child's); the second burns,
    // says so and stays, a living child. Either one left out, the sum is half of what they burnt.
    expect(canMeterCpu()).toBe(true);
    const script = `${burn()}; ${burn("console.log('burnt'); setTimeout(() => {}, 30000);")}`;
    const tree = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    const stop = meterCpu({ tree: tree.pid!, self: 'self' });
    let out = '';
    tree.stdout.on('data', (d: Buffer) => (out += d.toString()));
    while (!out.includes('burnt')) await once(tree.stdout, 'data');
    const use = stop();
    process.kill(-tree.pid!, 'SIGKILL');
    await once(tree, 'exit');
    // Node's start-up may fall before metering begins; the loops, all but a little, after.
    expect(use.tree).toBeGreaterThanOrEqual(2 * BURN_US * 0.85);
    expect(use.self).toBeGreaterThan(0);
  });

  it('gives each process per event and their sum', () => {
    expect(perEvent({ broker: 15_800, bridge: 20_000 }, 1000)).toEqual({ text: 'broker 15.8, bridge 20.0 = 35.8 µs', total: 35.8 });
  });
});
