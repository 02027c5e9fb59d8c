import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { CounterState, counterTopic } from '@okienko/protocol';
import { CounterDevice, counterDeviceOptions, type Clock } from '@okienko/device';
import { SimulatedHardware } from '@okienko/hardware';
import { startEmbeddedBroker, type EmbeddedBroker } from '@okienko/broker-bridge';
import { REF } from '../helpers/messages.ts';

// The counter's retained state tells the truth about its health: the device runtime on the
// simulated driver, its timers faked and moved by hand, against a real (in-process) MQTT broker.

const T = Date.UTC(2026, 10, 20, 9, 0);
const log = pino({ level: 'silent' });
let broker: EmbeddedBroker | null = null;
let device: CounterDevice | null = null;
let watcher: MqttClient | null = null;
afterEach(async () => {
  vi.useRealTimers();
  await device?.stop();
  await watcher?.endAsync();
  await broker?.close();
  device = watcher = broker = null;
});

/** Every retained state the counter publishes, as the broker hands it on, in order. */
async function watchStates(url: string) {
  watcher = await mqtt.connectAsync(url, { clientId: 'health-watcher' });
  const states: CounterState[] = [];
  const waiting: { n: number; resolve: () => void }[] = [];
  watcher.on('message', (_topic, payload) => {
    states.push(CounterState.parse(JSON.parse(payload.toString())));
    for (const w of waiting.filter((w) => states.length >= w.n)) w.resolve();
  });
  await watcher.subscribeAsync(counterTopic(REF, 'state'), { qos: 1 });
  return {
    states,
    /** Resolves once the n-th state has arrived (a socket event, not a timer: the timers are fake). */
    nth: (n: number) => (states.length >= n ? Promise.resolve(states[n - 1]!) : new Promise<CounterState>((resolve) => waiting.push({ n, resolve: () => resolve(states[n - 1]!) }))),
  };
}

describe('the retained health report', () => {
  it('says the outbox is empty soon after it drains, press after press, and goes on once a minute', async () => {
    broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, log });
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const seen = await watchStates(url);
    // The device's timers only: the health timer, the settle after a drain, the hold timer.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
    let synced = false;
    const clock: Clock = { now: () => T, synced: () => synced };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-health-'));
    const hw = new SimulatedHardware();
    // No MQTT keepalive: its timers are faked too, and a ping unanswered in fake time would end the link.
    const options = counterDeviceOptions({ ref: REF, dataDir: dir, url }, { clerk: { id: 'k1', name: 'Anna Nowak' }, tickMs: 3_600_000, outbox: { fsync: 'never' }, link: { keepaliveS: 0 } });
    device = CounterDevice.open(options, hw, clock, log);
    const up = once(device.link, 'up');
    await device.start();
    await up;
    expect((await seen.nth(1)).health).toEqual({ outboxPending: 0, outboxRefused: 0 });
    const publishes = vi.spyOn(device.link, 'publishState');

    for (const [n, status] of [[2, 'serving'], [4, 'available']] as const) {
      const acked = once(device.link, 'acked');
      await hw.press('clerk');
      // The state goes out with the press, before its event's PUBACK: one event waiting.
      expect(await seen.nth(n)).toMatchObject({ status, health: { outboxPending: 1 } });
      await acked;
      expect(device.outbox.size).toBe(0);
      await vi.advanceTimersByTimeAsync(1000);
      expect(publishes).toHaveBeenCalledTimes(n); // the press's, and one once drained
      expect(await seen.nth(n + 1)).toMatchObject({ status, health: { outboxPending: 0, outboxRefused: 0 } });
    }
    expect(publishes).toHaveBeenCalledTimes(4); // two presses, two drains

    // A stream of votes publishes no state at all: nothing to put right after it drains.
    publishes.mockClear();
    for (let i = 0; i < 20; i++) await hw.press('face-4');
    while (device.outbox.size > 0) await once(device.link, 'acked');
    await vi.advanceTimersByTimeAsync(1000);
    expect(publishes).not.toHaveBeenCalled();

    // A burst of presses, each publishing its state: after the burst drains, one more.
    const burst = seen.states.length;
    for (let i = 0; i < 6; i++) await hw.press('clerk');
    while (device.outbox.size > 0) await once(device.link, 'acked');
    expect(publishes).toHaveBeenCalledTimes(6);
    await vi.advanceTimersByTimeAsync(1000);
    expect(publishes).toHaveBeenCalledTimes(7);
    expect((await seen.nth(burst + 7)).health).toMatchObject({ outboxPending: 0 });

    // The once-a-minute report still runs after all those presses: the clock synchronises.
    synced = true;
    const before = seen.states.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(publishes).toHaveBeenCalledTimes(8);
    expect(await seen.nth(before + 1)).toMatchObject({ clockSynced: true, health: { outboxPending: 0 } });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(publishes).toHaveBeenCalledTimes(8); // and not again while nothing changed
  });
});
