import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AlertView, CounterView } from '@okienko/protocol';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.ts';
import { waitFor } from '../helpers/net.ts';
import { BridgeProc, CounterFleet, drained, report } from '../helpers/faults.ts';

/**
 * The counter's SD card fills up (here a 2 MB tmpfs under its data folder, filled by a ballast
 * file, as old logs would). Designed: space held by events the broker already has is given back
 * first; when there is none, a press is refused — not confirmed, counted, "Dysk pełny" on its
 * display — the counter keeps running and says so in its state, the dashboard shows it and raises
 * an alert, and all is well again once space is freed. Nothing confirmed is lost.
 */
const mountDir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-sd-'));
let mounted = false;
let mosq: Mosquitto | undefined;
let bridge: BridgeProc | undefined;
let fleet: CounterFleet | undefined;
afterAll(async () => {
  await fleet?.stop();
  await bridge?.stop();
  await mosq?.stop();
  if (mounted) execFileSync('umount', [mountDir]);
});

function mountSmallDisk(): void {
  if (process.getuid?.() !== 0) {
    throw new Error(`the disk-full test mounts a 2 MB tmpfs and needs root: run \`sudo npm test\` (or \`sudo npx vitest run test/faults/disk-full.test.ts\`)`);
  }
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountDir]);
  mounted = true;
}

/** Fill every byte left, as a runaway log would. */
function fill(file: string): void {
  const fd = fs.openSync(file, 'a');
  try {
    for (let chunk = 1 << 16; chunk >= 1; ) {
      try {
        fs.writeSync(fd, Buffer.alloc(chunk));
      } catch {
        chunk >>= 1;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

describe('the counter\'s disk fills up', () => {
  it('refuses new presses with "disk full", tells the dashboard, keeps running, recovers when space is freed; nothing confirmed lost', { timeout: 120_000 }, async () => {
    mountSmallDisk();
    mosq = await startMosquitto();
    bridge = await BridgeProc.start({ mqttUrl: mosq.url, store: `sqlite:${path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-disk-')), 'b.db')}`, clientId: 'faults-disk-full' });
    fleet = new CounterFleet({ mqttUrl: mosq.url, counters: 1, dir: mountDir });
    await fleet.start();
    const ref = fleet.refs[0]!;
    const counter = async () => (await bridge!.api.json<CounterView[]>('/api/counters')).find((c) => c.counter === ref.counter)!;
    for (let i = 0; i < 20; i++) await fleet.press(ref, i % 2 ? 'face-4' : 'clerk');
    await waitFor(async () => (await bridge!.health()).stored === 20, { what: '20 presses stored' });

    const ballast = path.join(mountDir, 'ballast.log');
    fill(ballast);
    // The first presses may still land: the outbox gives back the space of what the broker has.
    let refused: { status: number; body: { error: string; message: string } } | null = null;
    let landedAfterFull = 0;
    for (let i = 0; i < 50 && !refused; i++) {
      const res = await fetch(`${fleet.base()}/sim/api/${ref.site}/${ref.counter}/press`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ button: 'face-3' }) });
      if (res.ok) {
        landedAfterFull++;
        fleet.confirmed.set(`${ref.site}/${ref.counter}`, ((await res.json()) as { lastSeq: number }).lastSeq);
      } else refused = { status: res.status, body: (await res.json()) as { error: string; message: string } };
    }
    expect(refused).toMatchObject({ status: 503, body: { error: 'OKIENKO_DISK_FULL', message: expect.stringContaining('disk is full') } });

    // Said on the counter's display, in its state, on the dashboard, and as an alert.
    const view = (await fleet.views())[0]!;
    expect(view.hardware.lines.join(' ')).toContain('Dysk pełny');
    await waitFor(async () => (await counter()).health?.diskFull === true, { what: 'the dashboard to show the full disk' });
    await waitFor(async () => (await bridge!.api.json<AlertView[]>('/api/alerts?open=true&kind=disk_full')).length === 1, { timeoutMs: 20_000, what: 'a disk_full alert' });
    expect((await counter()).online).toBe(true);

    // Space freed: the next press is recorded, the mark and the alert go.
    fs.rmSync(ballast);
    await fleet.press(ref, 'face-4');
    await waitFor(async () => (await counter()).health?.diskFull === undefined, { what: 'the full disk mark cleared' });
    await waitFor(async () => (await bridge!.api.json<AlertView[]>('/api/alerts?open=true&kind=disk_full')).length === 0, { timeoutMs: 20_000, what: 'the alert cleared' });

    const count = await drained(fleet, bridge.api);
    report('counter disk full', count, { landedAfterFull, refusedWith: refused!.body.error });
    expect(count).toMatchObject({ lost: 0, doubled: 0, forgotten: 0 });
    expect(count.confirmed).toBe(20 + landedAfterFull + 1);
  });
});
