import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useMosquittoAndPostgres } from '../helpers/servers.ts';
import { freshDatabase } from '../helpers/postgres.ts';
import { waitFor } from '../helpers/net.ts';
import { BridgeProc, CounterFleet, countDelivery, drained, report, startLink } from '../helpers/faults.ts';
import { FAULTS } from './scale.ts';

/**
 * Every press counts once, whatever breaks: a stream of presses and state changes from many
 * simulated counters (real device runtime, outboxes on disk, one process), a fault in the middle,
 * and at the end what the counters numbered against what the store holds: lost = 0, doubled = 0.
 */
const servers = useMosquittoAndPostgres();
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f().catch(() => {});
});

const stores: Record<string, () => Promise<string>> = {
  SQLite: async () => `sqlite:${path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-faults-db-')), 'b.db')}`,
  PostgreSQL: () => freshDatabase(servers.postgres().url),
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Run the stream while `during` does its damage; then stop pressing. */
async function streamAround(fleet: CounterFleet, during: () => Promise<void>): Promise<void> {
  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));
  const streaming = fleet.stream(FAULTS.pressesPerSecond, stopped);
  try {
    await during();
  } finally {
    stop();
    await streaming;
  }
}

async function system(store: string, clientId: string, mqttForCounters?: string) {
  const bridge = await BridgeProc.start({ mqttUrl: servers.mosquitto().url, store, clientId });
  cleanup.push(() => bridge.stop());
  const fleet = new CounterFleet({ mqttUrl: mqttForCounters ?? servers.mosquitto().url, counters: FAULTS.counters });
  await fleet.start();
  cleanup.push(() => fleet.stop());
  return { bridge, fleet };
}

describe.each(Object.entries(stores))('faults mid-stream (%s)', (name, storeUrl) => {
  it('the bridge is SIGKILLed and restarted: nothing lost, nothing doubled', { timeout: 180_000 }, async () => {
    const { bridge, fleet } = await system(await storeUrl(), `faults-kill-${name}`);
    await streamAround(fleet, async () => {
      await waitFor(async () => (await bridge.health()).stored > 50, { timeoutMs: 30_000, what: 'the stream under way' });
      await bridge.kill();
      await sleep(FAULTS.outageMs);
      await bridge.start();
      await sleep(FAULTS.afterMs);
    });
    const count = await drained(fleet, bridge.api);
    report(`bridge SIGKILL (${name})`, count, { presses: fleet.presses });
    expect(count.confirmed).toBeGreaterThan(100);
    expect(count).toMatchObject({ lost: 0, doubled: 0, forgotten: 0 });
  });
});

describe('faults mid-stream (Mosquitto, PostgreSQL)', () => {
  it('one of two bridges sharing the stream is SIGKILLed: the other takes it all, once', { timeout: 180_000 }, async () => {
    const store = await freshDatabase(servers.postgres().url);
    const [a, b] = [
      await BridgeProc.start({ mqttUrl: servers.mosquitto().url, store, clientId: 'faults-shared-a', extra: ['--shared-group', 'faults'] }),
      await BridgeProc.start({ mqttUrl: servers.mosquitto().url, store, clientId: 'faults-shared-b', extra: ['--shared-group', 'faults'] }),
    ];
    cleanup.push(() => a.stop(), () => b.stop());
    const fleet = new CounterFleet({ mqttUrl: servers.mosquitto().url, counters: FAULTS.counters });
    await fleet.start();
    cleanup.push(() => fleet.stop());
    await streamAround(fleet, async () => {
      await waitFor(async () => (await a.health()).stored > 25 && (await b.health()).stored > 25, { timeoutMs: 30_000, what: 'both bridges storing' });
      await a.kill();
      await sleep(FAULTS.outageMs + FAULTS.afterMs);
    });
    // What the broker had already handed to the killed one waits in its session for it: the
    // broker does not pass it to the other member. Measured here, then it comes back (as
    // systemd restarts it) and takes it.
    await sleep(1000);
    const waiting = await countDelivery(fleet, b.api);
    await a.start();
    const count = await drained(fleet, b.api);
    report('one of two bridges SIGKILL', count, { presses: fleet.presses, waitingForTheKilledOne: waiting.lost, storedBySurvivorAlone: waiting.stored });
    expect(count).toMatchObject({ lost: 0, doubled: 0, forgotten: 0 });
  });

  it('Mosquitto is restarted mid-stream: nothing lost, nothing doubled', { timeout: 180_000 }, async () => {
    const { bridge, fleet } = await system(await freshDatabase(servers.postgres().url), 'faults-mosquitto');
    await streamAround(fleet, async () => {
      await waitFor(async () => (await bridge.health()).stored > 50, { timeoutMs: 30_000, what: 'the stream under way' });
      await servers.mosquitto().stop();
      await sleep(FAULTS.outageMs);
      await servers.mosquitto().start();
      await sleep(FAULTS.afterMs);
    });
    const count = await drained(fleet, bridge.api);
    report('Mosquitto restart', count, { presses: fleet.presses, failedPresses: fleet.failedPresses });
    expect(count).toMatchObject({ lost: 0, doubled: 0, forgotten: 0 });
  });

  it('the link to the broker is cut while presses go on, the counters lose power meanwhile; restored, every press arrives once', { timeout: 300_000 }, async () => {
    const mosq = servers.mosquitto();
    const link = await startLink({ host: '127.0.0.1', port: mosq.port });
    cleanup.push(() => link.close());
    const { bridge, fleet } = await system(await freshDatabase(servers.postgres().url), 'faults-link', link.url);
    const online = async () => (await bridge.api.json<{ online: boolean }[]>('/api/counters')).filter((c) => c.online).length;
    await streamAround(fleet, async () => {
      await waitFor(async () => (await bridge.health()).stored > 50, { timeoutMs: 30_000, what: 'the stream under way' });
      link.cut();
      const cutAt = Date.now();
      // Presence: the broker hears nothing and, after 1.5 × keepalive (2 s), sends each last will.
      await waitFor(async () => (await online()) === 0, { timeoutMs: 10_000, what: 'every counter shown offline' });
      const offlineAfterMs = Date.now() - cutAt;
      // 1.5 × keepalive, + Mosquitto's 5 s keepalive sweep (see presence.test.ts), + 2 s for the
      // wills through bridge and store and this poll while every other test file runs (9.1 s seen).
      expect(offlineAfterMs).toBeLessThan(1.5 * 2000 + 5000 + 2000);
      await sleep(FAULTS.outageMs / 2);
      await fleet.kill(); // a power cut during the outage: what was confirmed is on disk only
      await fleet.start({ waitForLink: false });
      await sleep(FAULTS.outageMs / 2);
      link.restore();
      await sleep(FAULTS.afterMs);
    });
    const count = await drained(fleet, bridge.api, 120_000);
    report('link cut + counter power cut', count, { presses: fleet.presses, outageMs: FAULTS.outageMs });
    expect(count.confirmed).toBeGreaterThan(100);
    expect(count).toMatchObject({ lost: 0, doubled: 0, forgotten: 0 });
    expect(await online()).toBe(FAULTS.counters);
  });
});
