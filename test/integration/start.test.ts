import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../helpers/net.ts';
import { okienko } from '../helpers/okienko.ts';

describe('okienko start', () => {
  it('stops cleanly on Ctrl-C and a second start keeps the data', { timeout: 90_000 }, async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-start-'));
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    const base = `http://127.0.0.1:${httpPort}`;
    const env = { OKIENKO_HTTP_PORT: String(httpPort), OKIENKO_MQTT_PORT: String(mqttPort), OKIENKO_DATA_DIR: dataDir, OKIENKO_SIM_COUNTERS: '2' };
    const counters = async () => (await (await fetch(`${base}/api/counters`)).json()) as { site: string; counter: string; status: string }[];

    const first = okienko(['start'], env);
    await waitFor(() => first.output().includes('okienko is running'), { timeoutMs: 30_000, what: 'first start' });
    expect(first.output()).toContain(`Dashboard:       ${base}/`);
    await waitFor(async () => (await counters()).length === 2, { what: 'two counters online' });
    const res = await fetch(`${base}/sim/api/ratusz/okienko-1/press`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"button":"clerk"}' });
    expect(res.status).toBe(200);
    await waitFor(async () => (await counters()).find((c) => c.site === 'ratusz')?.status === 'serving', { what: 'serving stored' });
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'okienko.db'))).toBe(true);

    const second = okienko(['start'], env);
    await waitFor(() => second.output().includes('okienko is running'), { timeoutMs: 30_000, what: 'second start' });
    const events = (await (await fetch(`${base}/api/events`)).json()) as { type: string; seq: number }[];
    expect(events).toEqual([expect.objectContaining({ type: 'state_changed', seq: 1 })]);
    // The counter itself comes back as the clerk left it.
    await waitFor(async () => (await counters()).find((c) => c.site === 'ratusz')?.status === 'serving', { what: 'serving after restart' });
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });
});
