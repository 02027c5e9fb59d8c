import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CounterView } from '@okienko/protocol';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.ts';
import { freePort, waitFor } from '../helpers/net.ts';
import { okienko, type Proc } from '../helpers/okienko.ts';
import { BridgeProc, CounterFleet, startLink, stopWithin } from '../helpers/faults.ts';

/**
 * The dashboard tells the truth about who is there: a killed counter goes offline within 1.5 ×
 * keepalive (plus the broker's sweep), a cleanly stopped one at once, a dashboard opened late starts from the right state,
 * and a last will from a dead connection never marks offline a counter that is back.
 */
const KEEPALIVE_S = 2;
const MOSQUITTO_KEEPALIVE_CHECK_MS = 5000;
let mosq: Mosquitto | undefined;
let bridge: BridgeProc | undefined;
const fleets: CounterFleet[] = [];
const links: Awaited<ReturnType<typeof startLink>>[] = [];
const bridges: BridgeProc[] = [];
const procs: Proc[] = [];
afterAll(async () => {
  for (const f of fleets) await f.stop();
  for (const l of links) await l.close();
  await bridge?.stop();
  for (const b of bridges) await b.stop();
  for (const p of procs) await stopWithin(p, 'embedded broker');
  await mosq?.stop();
});

/** What a dashboard opened now is given first: the live stream's snapshot. */
async function lateDashboard(base: string, cookie: string): Promise<CounterView[]> {
  const res = await fetch(`${base}/api/stream`, { headers: { cookie } });
  const reader = res.body!.getReader();
  let text = '';
  for (;;) {
    const { value } = await reader.read();
    text += new TextDecoder().decode(value);
    const m = /event: snapshot\ndata: (.*)\n/.exec(text);
    if (m) {
      await reader.cancel();
      return JSON.parse(m[1]!) as CounterView[];
    }
  }
}

describe('presence', () => {
  it('offline within 1.5 × keepalive (+ Mosquitto\'s 5 s sweep) when killed, at once when stopped; a late dashboard sees the truth; a stale last will never wins', { timeout: 120_000 }, async () => {
    mosq = await startMosquitto();
    bridge = await BridgeProc.start({ mqttUrl: mosq.url, store: `sqlite:${path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-presence-')), 'b.db')}`, clientId: 'faults-presence' });
    const counters = async () => bridge!.api.json<CounterView[]>('/api/counters');
    const onlineCount = async () => (await counters()).filter((c) => c.online).length;
    const cookie = bridge.api.cookie;

    // Three counters through a link the test can cut.
    const link = await startLink({ host: '127.0.0.1', port: mosq.port });
    links.push(link);
    const fleet = new CounterFleet({ mqttUrl: link.url, counters: 3, keepaliveS: KEEPALIVE_S });
    fleets.push(fleet);
    await fleet.start();
    await fleet.press(fleet.refs[0]!, 'clerk'); // the first starts serving
    await waitFor(async () => (await onlineCount()) === 3 && (await counters()).some((c) => c.status === 'serving'), { what: 'three online, one serving' });

    // A dashboard opened now starts from exactly what the counters last said.
    const snapshot = await lateDashboard(bridge.base, cookie);
    expect(snapshot.map((c) => [c.counter, c.site, c.online, c.status]).sort()).toEqual((await counters()).map((c) => [c.counter, c.site, c.online, c.status]).sort());
    expect(snapshot.filter((c) => c.status === 'serving')).toHaveLength(1);

    // The cable is pulled and the counters' power goes: only keepalive can tell.
    link.cut();
    const cutAt = Date.now();
    await fleet.kill();
    await waitFor(async () => (await onlineCount()) === 0, { timeoutMs: 10_000, what: 'all shown offline' });
    const offlineAfterMs = Date.now() - cutAt;
    // 1.5 × keepalive, plus Mosquitto 2.0's own pace: it looks for expired keepalives only every
    // 5 s, on whole seconds (measured: 9 s with a 2 s keepalive). The embedded broker (aedes)
    // keeps a timer per client.
    expect(offlineAfterMs).toBeLessThan(1.5 * KEEPALIVE_S * 1000 + MOSQUITTO_KEEPALIVE_CHECK_MS + 2000); // + whole-second rounding, the bridge and our polling

    // Back, by another way, before their old connections are timed out... (cut again: the old ones hang)
    const again = new CounterFleet({ mqttUrl: mosq.url, counters: 3, keepaliveS: KEEPALIVE_S, dir: fleet.dir });
    fleets.push(again);
    link.restore();
    const link2 = await startLink({ host: '127.0.0.1', port: mosq.port });
    links.push(link2);
    const third = new CounterFleet({ mqttUrl: link2.url, counters: 3, keepaliveS: KEEPALIVE_S, dir: fleet.dir });
    fleets.push(third);
    await third.start();
    await waitFor(async () => (await onlineCount()) === 3, { what: 'back online' });
    // Their connections die unannounced; they come back at once through a direct link, and the
    // broker then times out the dead ones and sends each dead one's last will: stale, ignored.
    link2.cut();
    await third.kill();
    await again.start();
    await waitFor(async () => (await onlineCount()) === 3, { what: 'online again' });
    const stillOnline: number[] = [];
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, (1.5 * KEEPALIVE_S * 1000) / 5));
      stillOnline.push(await onlineCount());
    }
    expect(stillOnline.every((n) => n === 3), `online counts after the dead connections' wills: ${stillOnline.join(',')}`).toBe(true);
    expect((await counters()).filter((c) => c.status === 'serving')).toHaveLength(1); // and it kept its state

    // A clean stop says goodbye: offline at once, no keepalive to wait for.
    const stopAt = Date.now();
    await again.stop();
    await waitFor(async () => (await onlineCount()) === 0, { timeoutMs: 5_000, what: 'offline at a clean stop' });
    const cleanOfflineMs = Date.now() - stopAt;
    process.stdout.write(`[faults] presence: ${JSON.stringify({ keepaliveS: KEEPALIVE_S, offlineAfterKillMs: offlineAfterMs, staleWillsIgnored: stillOnline, cleanStopOfflineMs: cleanOfflineMs })}\n`);
    expect(cleanOfflineMs).toBeLessThan(1000 + 1000); // the stop itself flushes the outbox first
  });
});

describe('presence through the embedded broker', () => {
  it('a killed counter behind a pulled cable is offline within 1.5 × keepalive: okienko adds nothing to the broker\'s own detection', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const broker = okienko(['broker', '--mqtt-port', String(port)]);
    procs.push(broker);
    await waitFor(() => broker.output().includes('okienko broker:'), { what: 'the embedded broker up' });
    const b = await BridgeProc.start({ mqttUrl: `mqtt://127.0.0.1:${port}`, store: `sqlite:${path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-presence-')), 'b.db')}`, clientId: 'faults-presence-aedes' });
    bridges.push(b);
    const onlineCount = async () => (await b.api.json<CounterView[]>('/api/counters')).filter((c) => c.online).length;
    const link = await startLink({ host: '127.0.0.1', port });
    links.push(link);
    const fleet = new CounterFleet({ mqttUrl: link.url, counters: 3, keepaliveS: KEEPALIVE_S });
    fleets.push(fleet);
    await fleet.start();
    await waitFor(async () => (await onlineCount()) === 3, { what: 'three online' });
    link.cut();
    const cutAt = Date.now();
    await fleet.kill();
    await waitFor(async () => (await onlineCount()) === 0, { timeoutMs: 10_000, intervalMs: 50, what: 'all shown offline' });
    const offlineAfterMs = Date.now() - cutAt;
    process.stdout.write(`[faults] presence (embedded broker): ${JSON.stringify({ keepaliveS: KEEPALIVE_S, offlineAfterKillMs: offlineAfterMs })}\n`);
    expect(offlineAfterMs).toBeLessThan(1.5 * KEEPALIVE_S * 1000 + 500); // + the bridge storing it and our 50 ms polling
  });
});
