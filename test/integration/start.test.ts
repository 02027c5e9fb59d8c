import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../helpers/net.ts';
import { okienko } from '../helpers/okienko.ts';
import { demoAdminPassword, signIn, type Api } from '../helpers/session.ts';

describe('okienko start', () => {
  it('stops cleanly on Ctrl-C and a second start keeps the data', { timeout: 90_000 }, async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-start-'));
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    const base = `http://127.0.0.1:${httpPort}`;
    const env = { OKIENKO_HTTP_PORT: String(httpPort), OKIENKO_MQTT_PORT: String(mqttPort), OKIENKO_DATA_DIR: dataDir, OKIENKO_SIM_COUNTERS: '2' };
    let session: Api;
    const counters = async () => session.json<{ site: string; counter: string; status: string }[]>('/api/counters');

    const first = okienko(['start'], env);
    await waitFor(() => first.output().includes('okienko is running'), { timeoutMs: 30_000, what: 'first start' });
    expect(first.output()).toContain(`Dashboard:       ${base}/`);
    // The demo admin is made on the first start, and its password printed that once.
    const password = demoAdminPassword(first.output());
    session = await signIn(base, 'admin', password);
    expect((await fetch(`${base}/api/counters`)).status).toBe(401);
    await waitFor(async () => (await counters()).length === 2, { what: 'two counters online' });
    const res = await fetch(`${base}/sim/api/ratusz/okienko-1/press`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"button":"clerk"}' });
    expect(res.status).toBe(200);
    await waitFor(async () => (await counters()).find((c) => c.site === 'ratusz')?.status === 'serving', { what: 'serving stored' });
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'okienko.db'))).toBe(true);

    const second = okienko(['start'], env);
    await waitFor(() => second.output().includes('okienko is running'), { timeoutMs: 30_000, what: 'second start' });
    expect(second.output()).not.toContain(password);
    session = await signIn(base, 'admin', password);
    const events = await session.json<{ type: string; seq: number }[]>('/api/events');
    expect(events).toEqual([expect.objectContaining({ type: 'state_changed', seq: 1 })]);
    // The counter itself comes back as the clerk left it.
    await waitFor(async () => (await counters()).find((c) => c.site === 'ratusz')?.status === 'serving', { what: 'serving after restart' });
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });

  it('prints hints that name the data folder it uses: the printed `okienko user` run as shown resets the password that signs in', { timeout: 90_000 }, async () => {
    // The data folder elsewhere than ./data, and the hint run from the repository's root, as a
    // person would paste it: before, it wrote a new ./data/okienko.db and the password failed.
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-hints-'));
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    const base = `http://127.0.0.1:${httpPort}`;
    const started = okienko(['start', '--data-dir', dataDir], { OKIENKO_HTTP_PORT: String(httpPort), OKIENKO_MQTT_PORT: String(mqttPort), OKIENKO_SIM_COUNTERS: '0' });
    await waitFor(() => started.output().includes('okienko is running'), { timeoutMs: 30_000, what: 'start' });
    const hints = [...started.output().matchAll(/`(npx okienko [^`]+)`/g)].map((m) => m[1]!);
    expect(hints.length).toBeGreaterThanOrEqual(2);
    for (const hint of hints) expect(hint, hint).toContain(dataDir);
    const user = hints.find((h) => h.startsWith('npx okienko user '))!;
    expect(user).toBe(`npx okienko user --store sqlite:${path.join(dataDir, 'okienko.db')} --username admin --role admin`);
    const old = await signIn(base, 'admin', demoAdminPassword(started.output()));
    const reset = okienko([...user.split(' ').slice(2), '--json']);
    expect(await reset.exited, reset.output()).toBe(0);
    const { password } = JSON.parse(reset.output().trim().split('\n').at(-1)!) as { password: string };
    const fresh = await signIn(base, 'admin', password);
    expect((await fresh.get('/api/counters')).status).toBe(200);
    // The new password ended the session signed in with the old one, in the running bridge too.
    expect((await old.get('/api/counters')).status).toBe(401);
    // Removed by the command line: signed out at once.
    const removed = okienko(['user', '--store', `sqlite:${path.join(dataDir, 'okienko.db')}`, '--username', 'admin', '--remove']);
    expect(await removed.exited, removed.output()).toBe(0);
    expect((await fresh.get('/api/counters')).status).toBe(401);
    const again = okienko(['user', '--store', `sqlite:${path.join(dataDir, 'okienko.db')}`, '--username', 'admin', '--remove']);
    expect(await again.exited).toBe(1);
    expect(again.output()).toContain('there is no user "admin"');
    started.child.kill('SIGINT');
    expect(await started.exited).toBe(0);
  });
});
