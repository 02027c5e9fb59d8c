import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Health, Office } from '@okienko/protocol';
import { freePort, waitFor } from '../helpers/net.ts';
import { okienko, type Proc } from '../helpers/okienko.ts';
import { demoAdminPassword, signIn, type Api } from '../helpers/session.ts';

interface FeedbackRows { rows: { group: string; votes: number }[] }

async function start(dataDir: string, demo: 'true' | 'false'): Promise<{ proc: Proc; base: string }> {
  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  const proc = okienko(['start'], { OKIENKO_HTTP_PORT: String(httpPort), OKIENKO_MQTT_PORT: String(mqttPort), OKIENKO_DATA_DIR: dataDir, OKIENKO_DEMO: demo });
  await waitFor(() => proc.output().includes('okienko is running'), { timeoutMs: 60_000, what: `okienko start; output: ${proc.output()}` });
  return { proc, base: `http://127.0.0.1:${httpPort}` };
}

async function stop(proc: Proc): Promise<void> {
  proc.child.kill('SIGINT');
  expect(await proc.exited).toBe(0);
}

/** Votes in the history's four weeks, per counter: the same figures mean the same history. */
const votes = (api: Api, since: number) => api.json<FeedbackRows>(`/api/reports/feedback?groupBy=counter&from=${since - 29 * 86_400_000}&to=${since - 10 * 60_000}`);

describe('okienko start with the demo', () => {
  it('fills the reports on a fresh start, and a second start adds no second history', { timeout: 150_000 }, async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-demo-'));
    const first = await start(dataDir, 'true');
    const password = demoAdminPassword(first.proc.output());
    expect(first.proc.output()).toContain('Demo data:');
    let api = await signIn(first.base, 'admin', password);
    const office = (await (await fetch(`${first.base}/api/public/office`)).json()) as Office;
    expect(office.demo?.since).toBeGreaterThan(0);
    const since = office.demo!.since;
    const before = await votes(api, since);
    expect(before.rows).toHaveLength(6);
    for (const r of before.rows) expect(r.votes).toBeGreaterThan(100);
    const availability = await api.json<{ rows: { sessions: number }[] }>('/api/reports/availability?groupBy=counter');
    expect(availability.rows).toHaveLength(6);
    // The simulated clerks go on after the history: their events are stored, and no gap is seen.
    await waitFor(async () => (await api.json<Health>('/api/health')).stored >= 3, { timeoutMs: 60_000, what: 'the demo clerks at work' });
    expect((await api.json<Health>('/api/health')).gaps).toBe(0);
    await stop(first.proc);

    const second = await start(dataDir, 'true');
    expect(second.proc.output()).not.toContain(password);
    api = await signIn(second.base, 'admin', password);
    expect(((await (await fetch(`${second.base}/api/public/office`)).json()) as Office).demo).toEqual({ since });
    expect(await votes(api, since)).toEqual(before);
    await waitFor(async () => (await api.json<Health>('/api/health')).stored >= 1, { timeoutMs: 60_000, what: 'the demo clerks at work again' });
    expect((await api.json<Health>('/api/health')).gaps).toBe(0);
    await stop(second.proc);

    // Started without the demo, the folder is still the demo's: the banner stays, nothing is added.
    const third = await start(dataDir, 'false');
    api = await signIn(third.base, 'admin', password);
    expect(((await (await fetch(`${third.base}/api/public/office`)).json()) as Office).demo).toEqual({ since });
    expect(await votes(api, since)).toEqual(before);
    await stop(third.proc);
  });

  it('with --demo false, gives the plain demo: no history, no banner, counters that wait for clicks', { timeout: 90_000 }, async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-plain-'));
    const plain = await start(dataDir, 'false');
    expect(plain.proc.output()).not.toContain('Demo data:');
    expect(plain.proc.output()).not.toContain('at work');
    const api = await signIn(plain.base, 'admin', demoAdminPassword(plain.proc.output()));
    expect(((await (await fetch(`${plain.base}/api/public/office`)).json()) as Office).demo).toBeNull();
    expect((await api.json<FeedbackRows>('/api/reports/feedback?groupBy=counter')).rows).toEqual([]);
    await waitFor(async () => (await api.json<unknown[]>('/api/counters')).length === 6, { what: 'six counters online' });
    // Nothing presses by itself. Absence can only be watched for a while: the demo's clerks press
    // within 12 s of the start (demo-activity.ts), so 15 s with no event says there are none.
    const quiet = Date.now() + 15_000;
    await waitFor(async () => (await api.json<Health>('/api/health')).stored > 0 || Date.now() > quiet, { timeoutMs: 30_000, what: 'fifteen quiet seconds' });
    expect((await api.json<Health>('/api/health')).stored).toBe(0);
    await stop(plain.proc);
  });
});
