import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { startEmbeddedBroker, type EmbeddedBroker } from '@okienko/broker-bridge';
import { CounterDevice, counterDeviceOptions, machineConfig, systemClock } from '@okienko/device';
import { SimulatedHardware } from '@okienko/hardware';
import { waitFor } from '../helpers/net.ts';

let broker: EmbeddedBroker;
let device: CounterDevice;
const log = pino({ level: 'silent' });

beforeAll(async () => {
  broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, log });
});
afterAll(async () => {
  await device?.stop();
  await broker?.close();
});

describe('Home Assistant MQTT discovery', () => {
  it('announces the counter as a device with entities read from okienko\'s own topics, and again on HA\'s birth message', async () => {
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const ha = await mqtt.connectAsync(url, { clientId: 'home-assistant' });
    const configs: Record<string, Record<string, unknown>> = {};
    let announcements = 0;
    ha.on('message', (topic, payload) => {
      if (!topic.endsWith('/config')) return;
      configs[topic] = JSON.parse(payload.toString()) as Record<string, unknown>;
      if (topic.endsWith('/status/config')) announcements += 1;
    });
    await ha.subscribeAsync('homeassistant/+/+/+/config', { qos: 1 });

    const hw = new SimulatedHardware();
    device = new CounterDevice(
      counterDeviceOptions(
        { ref: { site: 'ratusz', counter: 'okienko-1' }, dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-ha-')), url },
        { machine: machineConfig({ scale: 5 }), version: '9.9.9', link: { homeAssistant: { prefix: 'homeassistant' } } },
      ),
      hw,
      systemClock(true),
      log,
    );
    await device.start();
    await waitFor(() => announcements === 1 && Object.keys(configs).length === 4, { what: 'four entity configs' });
    const status = configs['homeassistant/sensor/okienko_ratusz_okienko_1/status/config']!;
    expect(status).toMatchObject({
      unique_id: 'okienko_ratusz_okienko_1_status',
      state_topic: 'okienko/v1/ratusz/okienko-1/state',
      value_template: '{{ value_json.status }}',
      device: { identifiers: ['okienko_ratusz_okienko_1'], sw_version: '9.9.9' },
      availability: [{ topic: 'okienko/v1/ratusz/okienko-1/availability', payload_available: 'online' }],
    });
    expect(configs['homeassistant/event/okienko_ratusz_okienko_1/feedback/config']).toMatchObject({
      state_topic: 'okienko/v1/ratusz/okienko-1/event',
      event_types: ['face_1', 'face_2', 'face_3', 'face_4', 'face_5'],
    });

    // Home Assistant restarts and says so: the counter announces itself again.
    await ha.publishAsync('homeassistant/status', 'online', { qos: 1 });
    await waitFor(() => announcements === 2, { what: 'the second announcement' });
    await ha.endAsync();
  });
});
