import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { PasswordFile, counterUsername, mosquittoAcl, startEmbeddedBroker } from '@okienko/broker-bridge';
import { mayPublish, maySubscribe } from '../../broker-bridge/broker/credentials.ts';
import { CounterDevice, counterDeviceOptions, machineConfig, systemClock } from '@okienko/device';
import { SimulatedHardware } from '@okienko/hardware';
import { startMosquitto } from '../helpers/mosquitto.ts';
import { waitFor } from '../helpers/net.ts';

// Issue 19, defect 15: discovery as Home Assistant's MQTT integration reads it now
// (homeassistant/components/mqtt/discovery.py and schemas.py): one device message with `cmps`,
// `default_entity_id` instead of the `object_id` that stops working in 2026.4, and the old
// per-entity configs moved over and emptied. On a real Mosquitto with the ACL `okienko provision`
// writes, and on the embedded broker with the same rules.

const REF = { site: 'ratusz', counter: 'okienko-1' };
const ID = 'okienko_ratusz_okienko_1';
const DEVICE_TOPIC = `homeassistant/device/${ID}/config`;
const OLD_KEYS = [
  ['sensor', 'status'],
  ['sensor', 'clerk'],
  ['event', 'feedback'],
  ['sensor', 'outbox'],
] as const;
const oldTopic = (platform: string, key: string): string => `homeassistant/${platform}/${ID}/${key}/config`;
const log = pino({ level: 'silent' });

const brokers: Record<string, (dir: string, passwd: PasswordFile) => Promise<{ url: string; stop(): Promise<void> }>> = {
  Mosquitto: async (dir, passwd) => {
    // The office's Home Assistant logs in as a user of its own, which reads and writes discovery.
    const acl = `${mosquittoAcl(passwd.read().keys())}\nuser home-assistant\ntopic readwrite homeassistant/#\n`;
    fs.writeFileSync(path.join(dir, 'acl'), acl);
    const m = await startMosquitto([`password_file ${passwd.file}`, `acl_file ${path.join(dir, 'acl')}`, 'allow_anonymous false', 'use_username_as_clientid true'], { anonymous: false });
    return { url: m.url, stop: m.stop };
  },
  'embedded (aedes)': async (_dir, passwd) => {
    // Its rules let only counters and the bridge in: Home Assistant's side is played without a login check here.
    void passwd;
    const b = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, log });
    return { url: `mqtt://127.0.0.1:${b.port}`, stop: b.close };
  },
};

describe.each(Object.entries(brokers))('Home Assistant MQTT discovery, on %s', (name, startBroker) => {
  let broker: { url: string; stop(): Promise<void> };
  let dir: string;
  let counterSecret: string;
  let haSecret: string;
  const devices: CounterDevice[] = [];
  const clients: MqttClient[] = [];
  const embedded = name !== 'Mosquitto';

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-ha-'));
    fs.chmodSync(dir, 0o755);
    const passwd = new PasswordFile(path.join(dir, 'passwd'));
    counterSecret = passwd.set(counterUsername(REF));
    haSecret = passwd.set('home-assistant');
    broker = await startBroker(dir, passwd);
  });
  afterEach(async () => {
    await Promise.all(devices.splice(0).map((d) => d.stop()));
    await Promise.all(clients.splice(0).map((c) => c.endAsync()));
  });
  afterAll(async () => {
    await broker?.stop();
  });

  const login = (username: string, password: string): { username?: string; password?: string } => (embedded ? {} : { username, password });
  const connect = async (clientId: string, username: string, password: string): Promise<MqttClient> => {
    const c = await mqtt.connectAsync(broker.url, { clientId, reconnectPeriod: 0, ...login(username, password) });
    clients.push(c);
    return c;
  };
  const startCounter = async (): Promise<CounterDevice> => {
    const device = CounterDevice.open(
      counterDeviceOptions(
        { ref: REF, dataDir: path.join(dir, 'device'), url: broker.url },
        {
          machine: machineConfig({ scale: 5 }),
          clerk: { id: 'k1', name: 'Anna Nowak' },
          version: '9.9.9',
          link: { homeAssistant: { prefix: 'homeassistant' }, ...login(counterUsername(REF), counterSecret) },
        },
      ),
      new SimulatedHardware(),
      systemClock(true),
      log,
    );
    devices.push(device);
    await device.start();
    return device;
  };

  it('moves the old per-entity configs to one device message, keeping each unique id, and clears them; once', async () => {
    // What a counter of the last release left retained: a config per entity, with object_id.
    const old = await connect('old-counter', counterUsername(REF), counterSecret);
    for (const [platform, key] of OLD_KEYS) {
      await old.publishAsync(oldTopic(platform, key), JSON.stringify({ unique_id: `${ID}_${key}`, object_id: `${ID}_${key}`, name: key, state_topic: 'x' }), { qos: 1, retain: true });
    }
    await old.endAsync();
    clients.splice(clients.indexOf(old), 1);

    // Home Assistant, listening to discovery as it does (both topic depths).
    const ha = await connect('home-assistant', 'home-assistant', haSecret);
    const seen: { topic: string; payload: string; retain: boolean }[] = [];
    ha.on('message', (topic, payload, packet) => seen.push({ topic, payload: payload.toString(), retain: packet.retain }));
    await ha.subscribeAsync(['homeassistant/+/+/config', 'homeassistant/+/+/+/config'], { qos: 1 });
    await waitFor(() => seen.length === 4, { what: 'the four old retained configs' });

    const device = await startCounter();
    const migrated: string[] = [];
    device.link.on('migrated', (t) => migrated.push(t));
    await waitFor(() => migrated.length === 4, { what: 'the four old configs moved' });
    await waitFor(() => OLD_KEYS.every(([p, k]) => seen.some((m) => m.topic === oldTopic(p, k) && m.payload === '')), { what: 'the old topics emptied' });

    // For each old topic, Home Assistant's order: migrate, then the device message, then empty.
    for (const [platform, key] of OLD_KEYS) {
      const at = (pred: (m: (typeof seen)[number]) => boolean): number => seen.findIndex(pred);
      const migrate = at((m) => m.topic === oldTopic(platform, key) && m.payload === '{"migrate_discovery":true}');
      const emptied = at((m) => m.topic === oldTopic(platform, key) && m.payload === '');
      const deviceAfter = seen.findIndex((m, i) => i > migrate && m.topic === DEVICE_TOPIC);
      expect(migrate).toBeGreaterThanOrEqual(0);
      expect(deviceAfter).toBeGreaterThan(migrate);
      expect(emptied).toBeGreaterThan(deviceAfter);
    }

    // The device message: every field Home Assistant's schemas require, no object_id anywhere.
    const last = [...seen].reverse().find((m) => m.topic === DEVICE_TOPIC)!;
    expect(last.payload).not.toContain('object_id');
    const config = JSON.parse(last.payload) as { dev: unknown; o: unknown; availability: unknown; cmps: Record<string, Record<string, unknown>> };
    expect(config.dev).toMatchObject({ identifiers: [ID], sw_version: '9.9.9', name: 'okienko ratusz/okienko-1' });
    expect(config.o).toEqual({ name: 'okienko', sw_version: '9.9.9' });
    expect(config.availability).toEqual([expect.objectContaining({ topic: 'okienko/v1/ratusz/okienko-1/availability', payload_available: 'online', payload_not_available: 'offline' })]);
    expect(Object.keys(config.cmps).sort()).toEqual(['clerk', 'feedback', 'outbox', 'status']);
    for (const [key, c] of Object.entries(config.cmps)) {
      expect(c.unique_id).toBe(`${ID}_${key}`); // as before: Home Assistant keeps the entity and its history
      expect(c.default_entity_id).toBe(`${String(c.p)}.${ID}_${key}`);
    }
    expect(config.cmps.status).toMatchObject({ p: 'sensor', state_topic: 'okienko/v1/ratusz/okienko-1/state', value_template: '{{ value_json.status }}', device_class: 'enum' });
    expect(config.cmps.feedback).toMatchObject({ p: 'event', state_topic: 'okienko/v1/ratusz/okienko-1/event', event_types: ['face_1', 'face_2', 'face_3', 'face_4', 'face_5'] });

    // What a Home Assistant starting later finds retained (a subscription made again is sent what
    // is retained): the device message alone.
    const filters = ['homeassistant/+/+/config', 'homeassistant/+/+/+/config'];
    await ha.unsubscribeAsync(filters);
    const retained: string[] = [];
    ha.on('message', (topic, payload, packet) => packet.retain && payload.length > 0 && retained.push(topic));
    await ha.subscribeAsync(filters, { qos: 1 });
    await waitFor(() => retained.includes(DEVICE_TOPIC), { what: 'the retained device message' });
    expect(retained).toEqual([DEVICE_TOPIC]);

    // The second start (a reboot) finds nothing old: no migration again, and HA's birth message
    // still brings the device message again.
    await device.stop();
    devices.splice(0);
    const again = await startCounter();
    const movedAgain: string[] = [];
    again.link.on('migrated', (t) => movedAgain.push(t));
    const announced = (): number => seen.filter((m) => m.topic === DEVICE_TOPIC).length;
    await waitFor(() => again.link.isUp, { what: 'the counter connected again' });
    const before = announced();
    await ha.publishAsync('homeassistant/status', 'online', { qos: 1 });
    await waitFor(() => announced() > before, { what: 'the announcement after HA\'s birth message' });
    expect(movedAgain).toEqual([]);
    expect(seen.filter((m) => m.payload.includes('migrate_discovery'))).toHaveLength(4); // the first start's only
  });
});

describe('the embedded broker\'s rules for discovery (the same as the Mosquitto ACL above)', () => {
  it('let a counter write its own device message and read and empty its own old topics, nobody else\'s', () => {
    const me = counterUsername(REF);
    expect(mayPublish(me, DEVICE_TOPIC)).toBe(true);
    expect(mayPublish(me, 'homeassistant/device/okienko_ratusz_okienko_2/config')).toBe(false);
    for (const [p, k] of OLD_KEYS) {
      expect(mayPublish(me, oldTopic(p, k))).toBe(true);
      expect(maySubscribe(me, oldTopic(p, k))).toBe(true);
    }
    expect(maySubscribe(me, 'homeassistant/+/+/+/config')).toBe(false);
    expect(maySubscribe(me, 'homeassistant/sensor/okienko_ratusz_okienko_2/status/config')).toBe(false);
  });
});
