import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Browser } from 'playwright-core';
import { counterTopic, type AwayNotice, type Clerk, type CounterState } from '@okienko/protocol';
import { SqliteStore } from '@okienko/broker-bridge';
import { Ingest } from '../../broker-bridge/ingest/ingest.ts';
import { LiveHub } from '../../broker-bridge/live/hub.ts';
import { buildHttp } from '../../broker-bridge/http/server.ts';
import { buildDashboard } from '@okienko/dashboard';
import type { FastifyInstance } from 'fastify';
import { launchChromium } from '../helpers/browser.ts';
import { REF, buf } from '../helpers/messages.ts';

// The hall screen in Chromium, served by the bridge's HTTP API from its store; the counter's
// states come in through ingest, as the broker would hand them over.

const T = Date.UTC(2026, 10, 20, 9, 0);
const anna: Clerk = { id: 'k1', name: 'Anna Nowak' };
const jan: Clerk = { id: 'k2', name: 'Jan Kowalski' };
let app: FastifyInstance;
let ingest: Ingest;
let browser: Browser;
let base: string;

beforeAll(async () => {
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-lobby-dist-'));
  await buildDashboard(dist);
  const store = new SqliteStore(':memory:');
  const log = pino({ level: 'silent' });
  ingest = new Ingest(store, { onEvent: () => {}, onCounter: () => {} }, log, () => T);
  app = buildHttp({ store, hub: new LiveHub(store, 'Europe/Warsaw', () => T), ingest, mqttConnected: () => true, log, dashboardDir: dist, timeZone: 'Europe/Warsaw', now: () => T });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  await ingest.handle(counterTopic(REF, 'availability'), buf({ v: 1, ...REF, status: 'online', bootId: 'boot-1', at: T }));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

let seq = 0;
const state = (clerk: Clerk, notice: AwayNotice | null): Promise<unknown> => {
  const s: CounterState = { v: 1, ...REF, status: notice ? 'away' : 'available', since: T, clerk, notice, seq: ++seq, at: T, clockSynced: true, scale: 4 };
  return ingest.handle(counterTopic(REF, 'state'), buf(s));
};
const notice = (signedBy: Clerk, backAt: number): AwayNotice => ({ backAt, reason: 'break', substitute: { name: 'Ewa Mazur', where: 'stanowisko 3' }, signedBy });

describe('the lobby signs an away notice', () => {
  it('with the clerk who left, after another badges in, and each absence with its own signer', { timeout: 60_000 }, async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/lobby`);
    const tile = page.locator(`li[data-counter="${REF.site}/${REF.counter}"]`);
    const signed = () => tile.locator('.signed').textContent({ timeout: 10_000 });

    await state(anna, notice(anna, T + 15 * 60_000));
    await expect.poll(() => tile.getAttribute('data-status'), { timeout: 10_000 }).toBe('away');
    expect(await signed()).toBe('— Anna Nowak');

    // Jan badges in at the away counter: Anna's notice, signed by Anna, as on the counter's display.
    await state(jan, notice(anna, T + 15 * 60_000));
    // Nothing on the tile changes if it is right: wait until the board has polled twice since
    // (the first may have been answered before the change), and drawn what it got.
    for (let i = 0; i < 2; i++) {
      const res = await page.waitForResponse((r) => r.url().endsWith('/api/public/lobby'), { timeout: 10_000 });
      if (i === 1) expect(((await res.json()) as { counters: { clerk: string }[] }).counters[0]!.clerk).toBe('Jan Kowalski');
    }
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    expect(await signed()).toBe('— Anna Nowak');
    expect(await tile.textContent()).not.toContain('Jan Kowalski');

    // Back, then Jan steps away himself: his own notice, signed by him.
    await state(jan, null);
    await expect.poll(() => tile.getAttribute('data-status'), { timeout: 10_000 }).toBe('available');
    await state(jan, notice(jan, T + 60 * 60_000));
    await expect.poll(async () => (await tile.textContent()) ?? '', { timeout: 10_000 }).toContain('Wracam o 11:00');
    expect(await signed()).toBe('— Jan Kowalski');
  });
});
