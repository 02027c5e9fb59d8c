import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { counterTopic, type Clerk, type CounterRef, type CounterState } from '@okienko/protocol';
import { SqliteStore } from '@okienko/broker-bridge';
import { Ingest } from '../../broker-bridge/ingest/ingest.ts';
import { LiveHub } from '../../broker-bridge/live/hub.ts';
import { NoticeBoard } from '../../broker-bridge/notices/board.ts';
import { buildHttp } from '../../broker-bridge/http/server.ts';
import { buildDashboard } from '@okienko/dashboard';
import type { FastifyInstance } from 'fastify';
import { PAGE_MS } from '../../dashboard/src/lobby-screen.ts';
import { launchChromium } from '../helpers/browser.ts';
import { ROOT } from '../helpers/okienko.ts';
import { buf } from '../helpers/messages.ts';
import { seriousViolations } from '../helpers/started.ts';

// Issue 19, defect 12: the hall screen with eight counters at two sites (both have a counter 2),
// served by the bridge's HTTP API on a clock the test moves; the page's own timers on page.clock.

const T = Date.UTC(2026, 11, 3, 7, 0); // 08:00 in Warsaw
let now = T;
let app: FastifyInstance;
let ingest: Ingest;
let notices: NoticeBoard;
let browser: Browser;
let base: string;

const REFS: CounterRef[] = ['ratusz', 'filia'].flatMap((site) => [1, 2, 3, 4].map((n) => ({ site, counter: `okienko-${n}` })));
const clerk = (i: number): Clerk => ({ id: `k${i}`, name: ['Anna Nowak', 'Jan Kowalski', 'Ewa Mazur', 'Piotr Wiśniewski', 'Katarzyna Kamińska', 'Tomasz Lewandowski', 'Magdalena Zielińska', 'Krzysztof Szymański'][i]! });

beforeAll(async () => {
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-lobby-fit-'));
  await buildDashboard(dist);
  const store = new SqliteStore(':memory:');
  const log = pino({ level: 'silent' });
  ingest = new Ingest(store, { onEvent: () => {}, onCounter: () => {} }, log, () => now);
  notices = new NoticeBoard(store, async () => {}, log, () => now);
  await notices.start();
  app = buildHttp({ store, hub: new LiveHub(store, 'Europe/Warsaw', () => now), ingest, mqttConnected: () => true, log, dashboardDir: dist, timeZone: 'Europe/Warsaw', now: () => now, notices });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  // Every counter away (the tallest tile) with a substitute: the hardest screen to fit.
  for (const [i, ref] of REFS.entries()) {
    await ingest.handle(counterTopic(ref, 'availability'), buf({ v: 1, ...ref, status: 'online', bootId: 'boot-1', at: T }));
    const s: CounterState = {
      v: 1, ...ref, status: 'away', since: T, clerk: clerk(i), seq: 1, at: T, clockSynced: true, scale: 4,
      notice: { backAt: T + 7 * 60_000, reason: 'errand', substitute: { name: clerk((i + 1) % 8).name, where: `stanowisko ${(i % 4) + 2}` }, signedBy: clerk(i) },
    };
    await ingest.handle(counterTopic(ref, 'state'), buf(s));
  }
  await notices.send({ site: 'filia', counter: 'okienko-2', text: 'Wydawanie dowodów przy stanowisku 3', from: 'Kierownik BOM', minutes: 120 });
  browser = await launchChromium();
});
afterAll(async () => {
  notices?.stop();
  await browser?.close();
  await app?.close();
});

async function lobby(width: number, height: number, query = ''): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  await page.clock.install({ time: T });
  await page.goto(`${base}/lobby${query}`);
  await page.locator('li.tile').first().waitFor({ timeout: 10_000 });
  return page;
}

const shown = (page: Page): Promise<string[]> => page.locator('li.tile').evaluateAll((tiles) => tiles.map((t) => t.getAttribute('data-counter')!));
/** The page's content ends above the screen's bottom, and every tile shown is whole on screen. */
const fits = (page: Page): Promise<boolean> =>
  page.evaluate(() => document.documentElement.scrollHeight <= innerHeight && [...document.querySelectorAll('li.tile')].every((t) => t.getBoundingClientRect().bottom <= innerHeight));

describe('the lobby on a hall screen', () => {
  it('fits eight away counters and a notice on one 1920×1080 screen, with no double colon and the site named where two have a counter 2', { timeout: 60_000 }, async () => {
    const page = await lobby(1920, 1080);
    await expect.poll(() => shown(page)).toHaveLength(8);
    expect(await fits(page)).toBe(true);
    expect(await page.getByTestId('page-of').count()).toBe(0);
    const text = (await page.locator('main').textContent())!;
    expect(text).toContain('Meanwhile please go to: Jan Kowalski');
    expect(text).not.toContain('::');
    expect(await page.getByTestId('lobby-notice').textContent()).toContain('filia, Stanowisko 2: Wydawanie dowodów');
    expect(await seriousViolations(page)).toEqual([]);
    // One site's screen has one counter 2: no site needed.
    const filia = await lobby(1920, 1080, '?site=filia');
    expect(await filia.getByTestId('lobby-notice').textContent()).toMatch(/Notice:\s*Stanowisko 2: Wydawanie/);
  });

  it('marks a return that is late by the bridge\'s clock: "Wracam o 08:07" at 08:21', { timeout: 60_000 }, async () => {
    const page = await lobby(1920, 1080);
    const tile = page.locator('li[data-counter="ratusz/okienko-1"]');
    expect(await tile.textContent()).toContain('Wracam o 08:07');
    expect(await tile.getByTestId('late').count()).toBe(0);
    now = T + 21 * 60_000;
    await page.clock.runFor(2000); // the next poll
    await expect.poll(() => tile.getByTestId('late').textContent()).toBe('Powrót opóźniony Running late');
    expect(await tile.textContent()).toContain('Wracam o 08:07');
    expect(await page.locator('.clock').textContent()).toBe('08:21');
    // Eight late tiles (the tallest there are) still fit on one screen.
    await expect.poll(() => shown(page)).toHaveLength(8);
    expect(await fits(page)).toBe(true);
    fs.mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, 'test-results', 'lobby-1920x1080-late.png') });
    expect(await seriousViolations(page)).toEqual([]);
    now = T;
  });

  it('pages when the counters do not fit, turning the page on a timer, every page whole on screen', { timeout: 60_000 }, async () => {
    const page = await lobby(1280, 720);
    await expect.poll(async () => (await page.getByTestId('page-of').count()) > 0).toBe(true);
    // A page that runs over takes fewer tiles for all: after one round the pages hold.
    for (let i = 0; i < 8; i++) await page.clock.runFor(PAGE_MS);
    const of = Number(/z (\d+)/.exec((await page.getByTestId('page-of').textContent())!)![1]);
    expect(of).toBeGreaterThan(1);
    const seen = new Set<string>();
    const pages = new Set<string>();
    for (let i = 0; i < of; i++) {
      const label = (await page.getByTestId('page-of').textContent())!;
      expect(label).toMatch(new RegExp(`^Strona \\d+ z ${of} Page \\d+ of ${of}$`));
      pages.add(label);
      expect(await fits(page)).toBe(true);
      for (const c of await shown(page)) {
        expect(seen.has(c), `${c} on two pages`).toBe(false);
        seen.add(c);
      }
      await page.clock.runFor(PAGE_MS);
    }
    expect(pages.size).toBe(of);
    expect(seen.size).toBe(8);
    // A bigger screen takes them all again.
    await page.setViewportSize({ width: 1920, height: 1080 });
    await expect.poll(() => shown(page)).toHaveLength(8);
    expect(await page.getByTestId('page-of').count()).toBe(0);
  });
});
