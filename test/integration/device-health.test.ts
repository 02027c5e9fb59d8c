import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { CounterView } from '@okienko/protocol';
import { CounterDevice, counterDeviceOptions, systemClock } from '@okienko/device';
import { SimulatedHardware } from '@okienko/hardware';
import { startTestBridge } from '../helpers/bridge.ts';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.ts';
import { waitFor } from '../helpers/net.ts';

// The devices page's outbox column, the whole way: a counter's presses through a real Mosquitto
// to the bridge, and /api/counters once the counter is idle again.

let mosq: Mosquitto;
let bridge: Awaited<ReturnType<typeof startTestBridge>>;
let device: CounterDevice;
const hw = new SimulatedHardware();
const ref = { site: 'ratusz', counter: 'okienko-1' };

beforeAll(async () => {
  mosq = await startMosquitto();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-health-'));
  bridge = await startTestBridge(mosq.url, dir, 'okienko-bridge-health');
  device = CounterDevice.open(counterDeviceOptions({ ref, dataDir: path.join(dir, 'counter'), url: mosq.url }, { clerk: { id: 'k1', name: 'Anna Nowak' } }), hw, systemClock(true), pino({ level: 'silent' }));
  await device.start();
});
afterAll(async () => {
  await device?.stop();
  await bridge?.close();
  await mosq?.stop();
});

const shown = async (): Promise<CounterView | undefined> => (await bridge.api.json<CounterView[]>('/api/counters')).find((c) => c.counter === ref.counter);

describe('a counter idle again after presses', () => {
  it('shows an empty outbox on the devices page, after each press', async () => {
    await waitFor(async () => (await shown())?.online, { what: 'the counter online' });
    let last: CounterView | undefined;
    for (const status of ['serving', 'available', 'serving'] as const) {
      await hw.press('clerk');
      await waitFor(() => device.outbox.size === 0, { what: 'the outbox sent' });
      // The state sent with the press said 1 (its event not yet acknowledged); soon after, 0.
      await waitFor(
        async () => {
          last = await shown();
          return last?.status === status && last.health?.outboxPending === 0;
        },
        { timeoutMs: 5000, what: () => `outbox 0 on /api/counters (shown: ${last?.status}, ${JSON.stringify(last?.health)})` },
      );
      expect(last?.health).toEqual({ outboxPending: 0, outboxRefused: 0 });
    }
  });
});
