import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.ts';
import { BridgeProc, CounterFleet, drained, report } from '../helpers/faults.ts';
import { FAULTS } from './scale.ts';

/**
 * A counter loses power again and again in the middle of bursts of presses: its outbox must open
 * every time, keep every press it confirmed, and never number two events alike.
 */
let mosq: Mosquitto | undefined;
let bridge: BridgeProc | undefined;
let fleet: CounterFleet | undefined;
afterAll(async () => {
  await fleet?.stop();
  await bridge?.stop();
  await mosq?.stop();
});

describe('power cuts during write bursts', () => {
  it(`a counter SIGKILLed ${FAULTS.kills} times mid-burst: its outbox always opens and loses no confirmed event`, { timeout: 60_000 + FAULTS.kills * 8_000 }, async () => {
    mosq = await startMosquitto();
    bridge = await BridgeProc.start({ mqttUrl: mosq.url, store: `sqlite:${path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-cuts-')), 'b.db')}`, clientId: 'faults-power-cut' });
    fleet = new CounterFleet({ mqttUrl: mosq.url, counters: 2 });
    const buttons = ['face-1', 'face-4', 'clerk', 'face-2', 'face-3'];
    for (let k = 0; k < FAULTS.kills; k++) {
      await fleet.start(); // fails here if an outbox would not open
      // A burst: presses in parallel on both counters, and the power goes in the middle of it.
      const burst = Array.from({ length: 40 }, (_, i) => fleet!.press(fleet!.refs[i % 2]!, buttons[(i + k) % buttons.length]!));
      await new Promise((r) => setTimeout(r, 20 + ((k * 37) % 120)));
      await fleet.kill();
      await Promise.all(burst);
    }
    await fleet.start();
    const count = await drained(fleet, bridge.api);
    report(`counter SIGKILL ×${FAULTS.kills}`, count, { presses: fleet.presses, unconfirmed: fleet.failedPresses });
    expect(fleet.presses - fleet.failedPresses).toBeGreaterThan(0); // some presses were confirmed before each cut
    expect(count).toMatchObject({ lost: 0, doubled: 0, forgotten: 0 });
  });
});
