import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestBridge } from '../helpers/bridge.ts';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.ts';
import { freePort, waitFor } from '../helpers/net.ts';
import { okienko, type Proc } from '../helpers/okienko.ts';

let mosq: Mosquitto | undefined;
let bridge: Awaited<ReturnType<typeof startTestBridge>> | undefined;
let sim: Proc | undefined;

afterAll(async () => {
  sim?.child.kill('SIGKILL');
  await bridge?.close();
  await mosq?.stop();
});

describe('power cut while the broker is down', () => {
  it('delivers every confirmed press exactly once after restart and reconnect', { timeout: 90_000 }, async () => {
    mosq = await startMosquitto();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-restart-'));
    bridge = await startTestBridge(mosq.url, dir, 'okienko-bridge-restart');
    const simPort = await freePort();
    const simUrl = `http://127.0.0.1:${simPort}`;
    const counterUrl = `${simUrl}/sim/api/ratusz/okienko-1`;
    const startSim = (): Proc =>
      okienko(['sim', '--mqtt-url', mosq!.url, '--counters', '1', '--data-dir', dir, '--http-port', String(simPort), '--keepalive', '2']);
    const press = async (button: string): Promise<{ lastSeq: number; pending: number }> => {
      const res = await fetch(`${counterUrl}/press`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ button }) });
      expect(res.status).toBe(200);
      return (await res.json()) as { lastSeq: number; pending: number };
    };
    const panel = async (): Promise<{ linkUp: boolean; pendingEvents: number }> => (await fetch(counterUrl)).json() as never;

    sim = startSim();
    await waitFor(() => panel().then((p) => p.linkUp), { timeoutMs: 20_000, what: 'the counter connected' });
    for (let i = 0; i < 3; i++) await press('face-4');
    await waitFor(() => bridge!.ingest.stored === 3, { what: '3 events stored before the outage' });

    await mosq.stop();
    await waitFor(() => panel().then((p) => !p.linkUp), { what: 'the counter to notice the broker is gone' });
    let confirmed = { lastSeq: 0, pending: 0 };
    const buttons = ['clerk', 'face-1', 'clerk', 'face-2', 'face-3'];
    for (let i = 0; i < 20; i++) confirmed = await press(buttons[i % buttons.length]!);
    expect(confirmed).toMatchObject({ lastSeq: 23, pending: 20 });

    sim.child.kill('SIGKILL'); // power cut, 20 confirmed events only on disk
    await sim.exited;

    await mosq.start();
    sim = startSim();
    await waitFor(() => bridge!.ingest.stored === 23, { timeoutMs: 30_000, what: 'all 23 events stored' });
    await waitFor(() => panel().then((p) => p.linkUp && p.pendingEvents === 0), { what: 'the outbox drained' });

    const events = await bridge!.api.json<{ id: string; seq: number; historical?: boolean }[]>('/api/events?counter=okienko-1');
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
    // What was recorded during the outage arrives marked as history.
    expect(events.map((e) => e.historical === true)).toEqual([...Array(3).fill(false), ...Array(20).fill(true)]);
    expect(new Set(events.map((e) => e.id)).size).toBe(23);
    expect(bridge.ingest.stored).toBe(23);
  });
});
