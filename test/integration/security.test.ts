import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { PasswordFile, mosquittoAcl, startEmbeddedBroker } from '@okienko/broker-bridge';
import { BRIDGE_USER } from '../../broker-bridge/broker/credentials.ts';
import { startMosquitto } from '../helpers/mosquitto.ts';
import { waitFor } from '../helpers/net.ts';

/** Each broker the product supports, with the same users and the same rules. */
const brokers: Record<string, (passwd: string, dir: string) => Promise<{ url: string; stop(): Promise<void> }>> = {
  Mosquitto: async (passwd, dir) => {
    const p = new PasswordFile(passwd);
    fs.writeFileSync(path.join(dir, 'acl'), mosquittoAcl(p.read().keys()));
    // use_username_as_clientid: Mosquitto can't refuse a client id, so it replaces it with the
    // (validated) username, as `okienko provision --mosquitto` advises.
    const m = await startMosquitto([`password_file ${passwd}`, `acl_file ${path.join(dir, 'acl')}`, 'allow_anonymous false', 'use_username_as_clientid true'], {
      anonymous: false,
    });
    return { url: m.url, stop: m.stop };
  },
  'embedded (aedes)': async (passwd) => {
    const b = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }), passwordFile: passwd });
    return { url: `mqtt://127.0.0.1:${b.port}`, stop: b.close };
  },
};

describe.each(Object.entries(brokers))('who may say what, on %s', (_name, start) => {
  let broker: { url: string; stop(): Promise<void> };
  const secrets: Record<string, string> = {};
  const clients: MqttClient[] = [];
  const connect = async (username: string | undefined, password: string | undefined, extra: mqtt.IClientOptions = {}): Promise<MqttClient> => {
    const c = await mqtt.connectAsync(broker.url, { username, password, reconnectPeriod: 0, connectTimeout: 5000, clientId: `t-${Math.random().toString(36).slice(2)}`, ...extra });
    clients.push(c);
    return c;
  };
  /** A watcher allowed to read everything (the bridge), collecting what reaches it. */
  let seen: string[];
  let bridge: MqttClient;

  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-sec-'));
    fs.chmodSync(dir, 0o755);
    const passwd = new PasswordFile(path.join(dir, 'passwd'));
    secrets.c1 = passwd.set('ratusz/okienko-1');
    secrets.c2 = passwd.set('ratusz/okienko-2');
    secrets.usc = passwd.set('usc/okienko-1');
    secrets.bridge = passwd.set(BRIDGE_USER);
    broker = await start(passwd.file, dir);
    bridge = await connect(BRIDGE_USER, secrets.bridge);
    seen = [];
    bridge.on('message', (topic, payload) => seen.push(`${topic} ${payload.toString()}`));
    await bridge.subscribeAsync('okienko/v1/#', { qos: 1 });
  });

  afterAll(async () => {
    for (const c of clients) c.end(true);
    await broker?.stop();
  });

  const arrived = (text: string) => waitFor(() => seen.some((s) => s.endsWith(` ${text}`)), { timeoutMs: 5000, what: text });

  it('refuses anonymous clients, wrong secrets, and wildcards in a username', async () => {
    await expect(connect(undefined, undefined)).rejects.toThrow();
    await expect(connect('ratusz/okienko-1', 'not-the-secret')).rejects.toThrow();
    await expect(connect('ratusz/+', secrets.c1)).rejects.toThrow();
    await expect(connect('ratusz/#', secrets.c1)).rejects.toThrow();
  });

  it('never lets a client act under a client id with wildcards: refused, or replaced by its username', async () => {
    const evil = await connect('ratusz/okienko-1', secrets.c1, { clientId: 'evil#' }).catch(() => null);
    if (!evil) return; // refused (the embedded broker)
    // Mosquitto took the username as the client id: a second login of that user takes the session over.
    const closed = new Promise<void>((resolve) => evil.once('close', () => resolve()));
    await connect('ratusz/okienko-1', secrets.c1, { clientId: 'another-id' });
    await closed;
  });

  it('lets a counter publish under its own topics only', async () => {
    const c1 = await connect('ratusz/okienko-1', secrets.c1);
    // Mosquitto drops a forbidden publish silently; the embedded broker also hangs up on the client.
    c1.publish('okienko/v1/ratusz/okienko-2/event', 'forged', { qos: 1 });
    c1.publish('okienko/v1/ratusz/okienko-1/command', 'self-command', { qos: 1 });
    c1.publish('okienko/v1/ratusz/okienko-1/notice', 'self-notice', { qos: 1 });
    c1.publish('okienko/v1/ratusz/okienko-1/event', 'own-1', { qos: 1 });
    const again = await connect('ratusz/okienko-1', secrets.c1);
    await again.publishAsync('okienko/v1/ratusz/okienko-1/event', 'own-2', { qos: 1 });
    await arrived('own-2');
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.filter((s) => s.includes('forged') || s.includes('self-command') || s.includes('self-notice'))).toEqual([]);
  });

  it("lets a counter read its own notices and not another counter's", async () => {
    const c1 = await connect('ratusz/okienko-1', secrets.c1);
    const got: string[] = [];
    c1.on('message', (t, p) => got.push(`${t} ${p.toString()}`));
    await c1.subscribeAsync('okienko/v1/ratusz/okienko-2/notice', { qos: 1 }).catch(() => {});
    await c1.subscribeAsync('okienko/v1/ratusz/okienko-1/notice', { qos: 1 });
    await bridge.publishAsync('okienko/v1/ratusz/okienko-2/notice', 'for-c2', { qos: 1 });
    await bridge.publishAsync('okienko/v1/ratusz/okienko-1/notice', 'for-c1', { qos: 1 });
    await waitFor(() => got.length > 0, { what: 'its own notice' });
    await arrived('for-c1'); // the bridge saw both; c1 got only its own, in order
    expect(got).toEqual(['okienko/v1/ratusz/okienko-1/notice for-c1']);
  });

  it("lets a counter read its own site's counters' state and availability (who is there), nothing else of theirs", async () => {
    const c1 = await connect('ratusz/okienko-1', secrets.c1);
    const got: string[] = [];
    c1.on('message', (t, p) => got.push(`${t} ${p.toString()}`));
    await c1.subscribeAsync(['okienko/v1/ratusz/+/state', 'okienko/v1/ratusz/+/availability'], { qos: 1 });
    for (const forbidden of ['okienko/v1/usc/+/state', 'okienko/v1/ratusz/+/event']) await c1.subscribeAsync(forbidden, { qos: 1 }).catch(() => {});
    const c2 = await connect('ratusz/okienko-2', secrets.c2);
    const usc = await connect('usc/okienko-1', secrets.usc);
    await usc.publishAsync('okienko/v1/usc/okienko-1/state', 'usc-state', { qos: 1 });
    await c2.publishAsync('okienko/v1/ratusz/okienko-2/event', 'c2-event', { qos: 1 });
    await c2.publishAsync('okienko/v1/ratusz/okienko-2/availability', 'c2-up', { qos: 1 });
    await c2.publishAsync('okienko/v1/ratusz/okienko-2/state', 'c2-peer-state', { qos: 1 });
    for (const m of ['usc-state', 'c2-event', 'c2-peer-state']) await arrived(m);
    await waitFor(() => got.some((g) => g.endsWith('c2-peer-state')), { what: "its neighbour's state" });
    expect(got.filter((g) => !g.startsWith('okienko/v1/ratusz/okienko-1/'))).toEqual(['okienko/v1/ratusz/okienko-2/availability c2-up', 'okienko/v1/ratusz/okienko-2/state c2-peer-state']);
  });

  it("gives a counter subscribing to # nothing but what it may read: its own commands, its site's state", async () => {
    const c1 = await connect('ratusz/okienko-1', secrets.c1);
    const got: string[] = [];
    c1.on('message', (t) => got.push(t));
    await c1.subscribeAsync('#', { qos: 1 }).catch(() => {});
    await c1.subscribeAsync('okienko/v1/ratusz/okienko-1/command', { qos: 1 });
    const c2 = await connect('ratusz/okienko-2', secrets.c2);
    await c2.publishAsync('okienko/v1/ratusz/okienko-2/state', 'c2-state', { qos: 1 });
    await arrived('c2-state');
    await bridge.publishAsync('okienko/v1/ratusz/okienko-1/command', 'cmd', { qos: 1 });
    await waitFor(() => got.includes('okienko/v1/ratusz/okienko-1/command'), { what: 'its own command' });
    // Mosquitto delivers what the ACL lets it read (its site's state); aedes refuses the filter.
    expect(got.filter((t) => !/^okienko\/v1\/ratusz\/[^/]+\/(state|availability)$/.test(t))).toEqual(['okienko/v1/ratusz/okienko-1/command']);
  });

  it('never delivers a last will aimed at another counter\'s topic', async () => {
    let c1: MqttClient | null = null;
    try {
      c1 = await connect('ratusz/okienko-1', secrets.c1, {
        will: { topic: 'okienko/v1/ratusz/okienko-2/availability', payload: Buffer.from('forged-will'), qos: 1, retain: true },
      });
    } catch {
      // Refusing the connection outright is as good.
    }
    if (c1) {
      c1.stream.destroy(); // dies without DISCONNECT: the will would fire now
    }
    const c2 = await connect('ratusz/okienko-2', secrets.c2);
    await c2.publishAsync('okienko/v1/ratusz/okienko-2/availability', 'control', { qos: 1 });
    await arrived('control');
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.filter((s) => s.includes('forged-will'))).toEqual([]);
  });
});
