import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.ts';
import { waitFor } from '../helpers/net.ts';
import { BridgeProc, report } from '../helpers/faults.ts';
import { LoadFleet, countInStore } from '../helpers/load.ts';
import { FAULTS } from './scale.ts';

/**
 * The broker restarts under the whole fleet (1,000 counters in `npm test`, 10,000 in
 * `test:faults`), pressing all the while: every counter reconnects — with jittered back-off, so
 * they do not stampede — within two minutes, and nothing is lost or doubled.
 */
let mosq: Mosquitto | undefined;
let bridge: BridgeProc | undefined;
let fleet: LoadFleet | undefined;
afterAll(async () => {
  await fleet?.stop();
  await bridge?.stop();
  await mosq?.stop();
});

describe('reconnect storm', () => {
  it(`restarting the broker under ${FAULTS.stormCounters.toLocaleString('en')} pressing counters: all back within two minutes, nothing lost`, { timeout: 900_000 }, async () => {
    mosq = await startMosquitto(['max_connections -1']);
    const storeFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-storm-')), 'b.db');
    bridge = await BridgeProc.start({ mqttUrl: mosq.url, store: `sqlite:${storeFile}?synchronous=NORMAL`, clientId: 'faults-storm' });
    const started = Date.now();
    fleet = await LoadFleet.start({ mqttUrl: mosq.url, counters: FAULTS.stormCounters, pressesPerMinute: 6 });
    const startMs = Date.now() - started;
    await waitFor(async () => (await bridge!.health()).stored > FAULTS.stormCounters / 10, { timeoutMs: 60_000, intervalMs: 500, what: 'presses flowing' });

    await mosq.stop();
    await waitFor(async () => (await fleet!.rows()).every((r) => !r.linkUp), { timeoutMs: 60_000, intervalMs: 250, what: 'every counter to see the broker gone' });
    await new Promise((r) => setTimeout(r, 3000)); // down a while: presses go on into the outboxes
    await mosq.start();
    const back = Date.now();
    let upCurve: number[] = [];
    await waitFor(
      async () => {
        const up = (await fleet!.rows()).filter((r) => r.linkUp).length;
        upCurve.push(up);
        return up === FAULTS.stormCounters;
      },
      { timeoutMs: 120_000, intervalMs: 1000, what: () => `all ${FAULTS.stormCounters} reconnected within two minutes; connected each second: ${upCurve.join(',')}` },
    );
    const reconnectMs = Date.now() - back;
    await new Promise((r) => setTimeout(r, 3000));
    const load = await fleet.setRate(0);
    await waitFor(async () => (await fleet!.rows()).every((r) => r.linkUp && r.pendingEvents === 0), { timeoutMs: 120_000, intervalMs: 1000, what: 'every outbox drained' });
    await waitFor(async () => {
      const c = countInStore(await fleet!.rows(), storeFile);
      return c.stored >= c.confirmed;
    }, { timeoutMs: 120_000, intervalMs: 1000, what: 'the bridge to store what was sent' });
    const count = countInStore(await fleet.rows(), storeFile);
    upCurve = upCurve.filter((_, i) => i < 20);
    report(`reconnect storm (${FAULTS.stormCounters} counters)`, count, { startMs, reconnectMs, connectedEachSecond: upCurve, presses: load.presses, refused: load.refused });
    expect(reconnectMs).toBeLessThan(120_000);
    expect(count.confirmed).toBeGreaterThan(FAULTS.stormCounters / 10);
    expect(count).toMatchObject({ lost: 0, doubled: 0, forgotten: 0 });
  });
});
