import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import { freePort, waitFor } from '../helpers/net.ts';
import { okienko, type Proc } from '../helpers/okienko.ts';
import { demoAdminPassword, signInPage } from '../helpers/session.ts';

let system: Proc | undefined;
let browser: Browser | undefined;

afterAll(async () => {
  await browser?.close();
  system?.child.kill('SIGINT');
  await system?.exited;
});

describe('the live board across a restart of the bridge', () => {
  it('says it lost the stream, comes back by itself, and goes on updating without a reload', { timeout: 90_000 }, async () => {
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    const base = `http://127.0.0.1:${httpPort}`;
    const env = { OKIENKO_HTTP_PORT: String(httpPort), OKIENKO_MQTT_PORT: String(mqttPort), OKIENKO_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-restart-')), OKIENKO_SIM_COUNTERS: '2' };
    system = okienko(['start'], env);
    await waitFor(() => system!.output().includes('okienko is running'), { timeoutMs: 30_000, what: 'first start' });
    const password = demoAdminPassword(system.output());
    browser = await launchChromium();
    const page = await browser.newPage();
    await signInPage(page, base, 'admin', password);
    const connection = page.getByTestId('connection');
    await connection.filter({ hasText: 'na żywo' }).waitFor();
    let navigations = 0;
    page.on('framenavigated', () => navigations++);

    system.child.kill('SIGINT');
    expect(await system.exited).toBe(0);
    await connection.filter({ hasText: 'brak połączenia' }).waitFor({ timeout: 10_000 });

    system = okienko(['start'], env);
    await waitFor(() => system!.output().includes('okienko is running'), { timeoutMs: 30_000, what: 'second start' });
    await connection.filter({ hasText: 'na żywo' }).waitFor({ timeout: 15_000 });
    // The signed session outlived the restart; a press now reaches the same page.
    const card = page.locator('article[data-counter="ratusz/okienko-1"]');
    await expect.poll(() => card.getAttribute('data-status'), { timeout: 10_000 }).toBe('available');
    const press = await fetch(`${base}/sim/api/ratusz/okienko-1/press`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"button":"clerk"}' });
    expect(press.status).toBe(200);
    await expect.poll(() => card.getAttribute('data-status'), { timeout: 10_000 }).toBe('serving');
    expect(navigations).toBe(0);
  });
});
