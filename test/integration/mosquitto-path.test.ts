import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { counterTopic } from '@okienko/protocol';
import { startTestBridge } from '../helpers/bridge.ts';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.ts';
import { freePort, waitFor } from '../helpers/net.ts';
import { okienko, type Proc } from '../helpers/okienko.ts';
import { REF, buf, feedback } from '../helpers/messages.ts';
import { signInWithCli } from '../helpers/session.ts';

let mosq: Mosquitto;
let bridge: Awaited<ReturnType<typeof startTestBridge>>;
let sim: Proc;
let simUrl: string;

async function press(button: string): Promise<void> {
  const res = await fetch(`${simUrl}/sim/api/ratusz/okienko-1/press`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ button }),
  });
  expect(res.status).toBe(200);
}

const counterRow = () => bridge.hub.snapshot().then((list) => list.find((c) => c.site === REF.site && c.counter === REF.counter));

beforeAll(async () => {
  mosq = await startMosquitto();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-int-'));
  bridge = await startTestBridge(mosq.url, dir, 'okienko-bridge-test');
  const simPort = await freePort();
  simUrl = `http://127.0.0.1:${simPort}`;
  sim = okienko(['sim', '--mqtt-url', mosq.url, '--counters', '1', '--data-dir', dir, '--http-port', String(simPort), '--keepalive', '1']);
  await waitFor(async () => (await counterRow())?.status === 'available', { timeoutMs: 20_000, what: 'the simulated counter online' });
});

afterAll(async () => {
  sim?.child.kill('SIGKILL');
  await bridge?.close();
  await mosq?.stop();
});

describe('device → Mosquitto → bridge', () => {
  it('stores every press exactly once, in sequence', async () => {
    for (const b of ['face-4', 'clerk', 'clerk', 'face-1', 'clerk']) await press(b);
    await waitFor(() => bridge.ingest.stored === 5, { what: '5 stored events' });
    const events = await bridge.api.json<{ id: string; seq: number; type: string }[]>('/api/events?counter=okienko-1');
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(events.map((e) => e.id)).size).toBe(5);
    expect(events.map((e) => e.type)).toEqual(['feedback', 'state_changed', 'state_changed', 'feedback', 'state_changed']);
    await waitFor(async () => (await counterRow())?.status === 'serving', { what: 'state serving on the bridge' });
  });

  it('rejects junk with a counted reason and still stores the next press', async () => {
    const junk = await mqtt.connectAsync(mosq.url, { clientId: 'junk-sender' });
    await junk.publishAsync(counterTopic(REF, 'event'), 'not json at all', { qos: 1 });
    await junk.publishAsync(counterTopic(REF, 'event'), buf({ ...feedback(99), face: 42 }), { qos: 1 });
    await junk.publishAsync('okienko/v1/ratusz/okienko-1/whatever', buf(feedback(99)), { qos: 1 });
    await junk.publishAsync(counterTopic({ ...REF, counter: 'okienko-9' }, 'event'), buf(feedback(99)), { qos: 1 });
    await junk.endAsync();
    await press('face-3');
    await waitFor(() => bridge.ingest.stored === 6, { what: 'the press after the junk' });
    const health = (await (await fetch(`${bridge.url}/api/health`)).json()) as { status: string; rejected: Record<string, number> };
    expect(health.status).toBe('ok');
    expect(health.rejected).toMatchObject({ invalid_json: 1, invalid_payload: 1, unknown_topic: 1, topic_mismatch: 1 });
  });

  it('obeys a command sent to the counter: closed, then open again', async () => {
    const central = await mqtt.connectAsync(mosq.url, { clientId: 'command-sender' });
    const command = (open: boolean) => JSON.stringify({ v: 1, ...REF, id: randomUUID(), at: Date.now(), type: 'set_open', open });
    await central.publishAsync(counterTopic(REF, 'command'), 'garbage first', { qos: 1 }); // ignored by the counter
    await central.publishAsync(counterTopic(REF, 'command'), command(false), { qos: 1 });
    await waitFor(async () => (await counterRow())?.status === 'closed', { what: 'closed by command' });
    await central.publishAsync(counterTopic(REF, 'command'), command(true), { qos: 1 });
    await waitFor(async () => (await counterRow())?.status === 'available', { what: 'open again by command' });
    // What the bridge sends after a gap: the counter answers with its retained state.
    let states = 0;
    central.on('message', (topic) => topic.endsWith('/state') && states++);
    await central.subscribeAsync(counterTopic(REF, 'state'), { qos: 1 });
    await waitFor(() => states === 1, { what: 'the retained state' });
    await central.publishAsync(counterTopic(REF, 'command'), JSON.stringify({ v: 1, ...REF, id: randomUUID(), at: Date.now(), type: 'resend_state' }), { qos: 1 });
    await waitFor(() => states === 2, { what: 'the state sent again' });
    await central.endAsync();
    await waitFor(() => bridge.ingest.stored === 8, { what: 'both changes stored as events' });
  });

  it('runs `okienko device` from a config file and `okienko bridge` as processes of their own', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-procs-'));
    const config = path.join(dir, 'device.json');
    fs.writeFileSync(config, JSON.stringify({ site: 'filia', counter: 'okienko-7', dataDir: path.join(dir, 'device'), clerk: { id: 'k7', name: 'Ewa Mazur' }, mqtt: { url: mosq.url } }));
    const device = okienko(['device', '--config', config]);
    const httpPort = await freePort();
    const bridgeProc = okienko(['bridge', '--mqtt-url', mosq.url, '--store', `sqlite:${path.join(dir, 'b.db')}`, '--http-port', String(httpPort), '--client-id', 'okienko-bridge-proc']);
    try {
      const api = `http://127.0.0.1:${httpPort}`;
      await waitFor(async () => ((await (await fetch(`${api}/api/health`)).json()) as { status: string }).status === 'ok', { timeoutMs: 20_000, what: 'okienko bridge healthy' });
      const session = await signInWithCli(api, `sqlite:${path.join(dir, 'b.db')}`);
      // The bridge process sees the device process through the broker (retained state and availability).
      const seen = await waitFor(async () => {
        const list = await session.json<{ site: string; counter: string; status: string; clerk: { name: string } | null }[]>('/api/counters');
        return list.find((c) => c.site === 'filia' && c.counter === 'okienko-7' && c.status === 'available');
      }, { timeoutMs: 20_000, what: 'the device seen by the bridge process' });
      expect(seen.clerk?.name).toBe('Ewa Mazur');
      device.child.kill('SIGTERM'); // a clean stop says offline at once
      expect(await device.exited).toBe(0);
      await waitFor(async () => {
        const list = await session.json<{ counter: string; status: string }[]>('/api/counters');
        return list.find((c) => c.counter === 'okienko-7')?.status === 'offline';
      }, { what: 'offline after a clean stop' });
    } finally {
      device.child.kill('SIGKILL');
      bridgeProc.child.kill('SIGTERM');
      await bridgeProc.exited;
    }
  });

  it('marks a killed counter offline through its last will', async () => {
    sim.child.kill('SIGKILL');
    await sim.exited;
    // keepalive 1 s: the broker gives up after 1.5 s and publishes the will.
    const row = await waitFor(async () => {
      const r = await counterRow();
      return r?.status === 'offline' ? r : null;
    }, { timeoutMs: 8_000, what: 'offline after the last will' });
    expect(row.lastStatus).toBe('available');
  });
});
