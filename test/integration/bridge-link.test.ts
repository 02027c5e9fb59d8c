import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { counterTopic, ConfigError } from '@okienko/protocol';
import { SqliteStore, startBridge, type Bridge, type WriteOp } from '@okienko/broker-bridge';
import { BridgeLink } from '../../broker-bridge/ingest/mqtt-link.ts';
import { type WriteHooks, type Written } from '../../broker-bridge/store/types.ts';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.ts';
import { waitFor } from '../helpers/net.ts';
import { REF, feedback } from '../helpers/messages.ts';
import { heldDisk } from '../helpers/held-disk.ts';

let mosq: Mosquitto;
beforeAll(async () => {
  mosq = await startMosquitto();
});
afterAll(async () => mosq?.stop());

const silent = pino({ level: 'silent' });
const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-link-'));

/** A store whose next `failures` batches fail, as a full disk or a lost database would. */
class FlakyStore extends SqliteStore {
  failures = 0;
  override async write(ops: readonly WriteOp[], hooks?: WriteHooks): Promise<Written> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('disk I/O error');
    }
    return super.write(ops, hooks);
  }
}

function bridgeOn(store: SqliteStore, clientId: string, protocolVersion: 4 | 5 = 4): Promise<Bridge> {
  return startBridge({
    mqtt: { url: mosq.url, protocolVersion, clientId },
    store,
    http: { host: '127.0.0.1', port: 0 },
    timeZone: 'Europe/Warsaw',
    log: silent,
  });
}

/** Publish `n` feedback events at QoS 1; resolves once the broker has taken every one. */
async function publish(n: number, from = 1): Promise<string[]> {
  const pub = await mqtt.connectAsync(mosq.url, { clientId: `pub-${Math.random()}` });
  const ids: string[] = [];
  await Promise.all(
    Array.from({ length: n }, (_, i) => {
      const e = feedback(from + i);
      ids.push(e.id);
      return pub.publishAsync(counterTopic(REF, 'event'), JSON.stringify(e), { qos: 1 });
    }),
  );
  await pub.endAsync();
  return ids;
}

describe('the bridge link (real Mosquitto)', () => {
  it('acknowledges nothing of a batch the store refused: the broker sends it again and every event lands once', async () => {
    const store = new FlakyStore(path.join(tmp(), 'b.db'));
    const bridge = await bridgeOn(store, 'link-flaky');
    await waitFor(() => bridge.link.connected, { what: 'bridge connected' });
    store.failures = 2;
    const ids = await publish(300);
    await waitFor(() => bridge.ingest.stored === 300, { timeoutMs: 20_000, what: '300 stored after two failed batches' });
    expect(store.failures).toBe(0);
    const stored = await store.listEvents({ limit: 1000 });
    expect(stored.map((s) => s.event.id).sort()).toEqual([...ids].sort());
    await bridge.close();
  });

  it('acknowledges an event only once its commit is on the disk (SQLite FULL): shown at the commit, sent again when the link drops before the sync', async () => {
    const disk = heldDisk();
    disk.hold = false;
    const store = new SqliteStore(path.join(tmp(), 'b.db'), { synchronous: 'FULL', syncWal: disk.sync });
    const bridge = await bridgeOn(store, 'link-durable');
    await waitFor(() => bridge.link.connected, { what: 'bridge connected' });
    disk.hold = true;
    await publish(1);
    // Committed and counted (the live stream has it), but the disk has not said so.
    await waitFor(() => bridge.ingest.stored === 1, { what: 'committed' });
    expect(disk.calls).toHaveLength(1);
    // The link drops, as when the bridge dies: had the PUBACK gone out at the commit, the broker
    // would not send the event again.
    const reconnected = new Promise<void>((r) => bridge.link.once('connect', () => r()));
    (bridge.link as unknown as { socket: import('node:net').Socket }).socket.destroy();
    await reconnected;
    // Stored again (a duplicate) while the first sync is still held: the next batch does not wait
    // for the disk, only its acknowledgement does.
    await waitFor(() => bridge.ingest.duplicates === 1, { timeoutMs: 10_000, what: 'the broker re-sent the unacknowledged event' });
    expect(bridge.link.stats.messages).toBe(0);
    disk.hold = false;
    disk.release();
    await waitFor(() => bridge.link.stats.messages === 2, { what: 'both batches acknowledged' });
    expect((await store.listEvents({ limit: 10 })).length).toBe(1);
    await bridge.close();
  });

  it.each([4, 5] as const)('commits what arrived while a commit was running as one batch (MQTT %i)', async (version) => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const batches: number[] = [];
    // The first batch is held, as a slow disk would hold it, until the broker has every message.
    const link = new BridgeLink(
      { url: mosq.url, clientId: `link-batch-${version}`, protocolVersion: version, filter: `okienko/v1/${REF.site}/#` },
      {
        arrived: () => null,
        async batch(deliveries) {
          batches.push(deliveries.topics.length);
          if (batches.length === 1) await held;
        },
      },
      silent,
    );
    const connected = new Promise<void>((r) => link.once('connect', () => r()));
    link.start();
    await connected;
    let drops = 0;
    link.on('close', () => drops++);
    await publish(200);
    release();
    await waitFor(() => link.stats.messages === 200, { what: '200 handled' });
    // Mosquitto keeps 20 unacknowledged messages in flight to a 3.1.1 client; MQTT 5 asks for more.
    expect(batches.length).toBeLessThanOrEqual(version === 4 ? 20 : 5);
    expect(Math.max(...batches)).toBeGreaterThan(10);
    // The acknowledgements were taken as such: a malformed PUBACK ends the connection, and the
    // broker sends the unacknowledged messages again on the next one.
    await publish(1, 201);
    await waitFor(() => link.stats.messages === 201, { what: 'one more handled' });
    expect(drops).toBe(0);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(201);
    await link.close();
  });

  it('keeps its MQTT 5 session across a restart of the bridge: events sent meanwhile arrive', async () => {
    const dir = tmp();
    let bridge = await bridgeOn(new SqliteStore(path.join(dir, 'b.db')), 'link-v5-session', 5);
    await waitFor(() => bridge.link.connected, { what: 'bridge connected' });
    await bridge.close();
    // Without a session expiry an MQTT 5 broker ends the session at disconnect, and these are lost.
    await publish(50);
    bridge = await bridgeOn(new SqliteStore(path.join(dir, 'b.db')), 'link-v5-session', 5);
    await waitFor(() => bridge.ingest.stored === 50, { what: '50 events sent while the bridge was down' });
    await bridge.close();
  });

  it('holds a command while the broker is down and delivers it after', async () => {
    const link = new BridgeLink({ url: mosq.url, clientId: 'link-outgoing', protocolVersion: 4, filter: 'okienko/v1/none/#' }, { arrived: () => null, batch: async () => {} }, silent);
    link.on('error', () => {});
    const connected = new Promise<void>((r) => link.once('connect', () => r()));
    link.start();
    await connected;
    await mosq.stop();
    await waitFor(() => !link.connected, { what: 'link down' });
    const sent = link.publish(counterTopic(REF, 'command'), '{"held":true}', { retain: true });
    await mosq.start();
    await sent;
    const sub = await mqtt.connectAsync(mosq.url, { clientId: 'link-outgoing-check' });
    const got = new Promise<string>((r) => sub.once('message', (_t, p) => r(p.toString())));
    await sub.subscribeAsync(counterTopic(REF, 'command'), { qos: 1 });
    expect(await got).toBe('{"held":true}');
    await sub.publishAsync(counterTopic(REF, 'command'), '', { qos: 1, retain: true });
    await sub.endAsync();
    await link.close();
  });

  it('refuses a WebSocket URL with the fix', () => {
    expect(() => new BridgeLink({ url: 'ws://broker:9001', clientId: 'x', protocolVersion: 4, filter: '#' }, { arrived: () => null, batch: async () => {} }, silent)).toThrow(ConfigError);
  });
});
