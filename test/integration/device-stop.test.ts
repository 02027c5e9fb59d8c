import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { startEmbeddedBroker, type EmbeddedBroker } from '@okienko/broker-bridge';
import { CounterDevice, FileOutbox, counterDeviceOptions, systemClock } from '@okienko/device';
import { SimulatedHardware } from '@okienko/hardware';
import { waitFor } from '../helpers/net.ts';

let broker: EmbeddedBroker;
const log = pino({ level: 'silent' });
beforeAll(async () => {
  broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, log });
});
afterAll(async () => broker?.close());

describe('a clean stop (SIGTERM from systemd)', () => {
  it('sends what is still in the outbox before it says offline', async () => {
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-stop-'));
    // A backlog from a long outage, on disk before the counter starts.
    const outbox = FileOutbox.open(path.join(dir, 'outbox'));
    for (let i = 0; i < 300; i++) {
      outbox.append({ v: 1, site: 'ratusz', counter: 'okienko-1', id: randomUUID(), at: Date.now(), clockSynced: true, bootId: 'old', type: 'feedback', face: 2, scale: 4, clerk: null, sessionId: null, flagged: false });
    }
    outbox.close();

    const central = await mqtt.connectAsync(url, { clientId: 'central' });
    const seqs = new Set<number>();
    let offlineAfter = -1;
    central.on('message', (topic, payload) => {
      const m = JSON.parse(payload.toString()) as { seq?: number; status?: string };
      if (topic.endsWith('/event')) seqs.add(m.seq!);
      if (topic.endsWith('/availability') && m.status === 'offline') offlineAfter = seqs.size;
    });
    await central.subscribeAsync('okienko/v1/ratusz/okienko-1/+', { qos: 1 });

    const device = CounterDevice.open(
      counterDeviceOptions({ ref: { site: 'ratusz', counter: 'okienko-1' }, dataDir: dir, url }, { link: { window: 4 } }),
      new SimulatedHardware(),
      systemClock(true),
      log,
    );
    await device.start();
    await waitFor(() => device.link.isUp, { what: 'connected' });
    await device.stop(); // at once, with most of the backlog still queued
    await waitFor(() => offlineAfter >= 0, { what: 'offline' });
    expect(seqs.size).toBe(300);
    expect(offlineAfter).toBe(300);
    expect(FileOutbox.open(path.join(dir, 'outbox')).size).toBe(0);
    await central.endAsync();
  });
});
