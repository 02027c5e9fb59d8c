import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/okienko.ts';
import type { Page } from 'playwright-core';
import { signIn, signInPage } from '../helpers/session.ts';
import { seriousViolations, useStartedSystem } from '../helpers/started.ts';

/**
 * Issue 19: on a phone (360 px wide, Chromium's mobile viewport) the board, its alerts, the alert
 * history, the devices table and the reports fit the width: nothing runs off the side of the page,
 * and a table too wide for the screen scrolls inside itself.
 */
const sys = useStartedSystem('phone');
beforeAll(() => void fs.mkdirSync(path.join(ROOT, 'test-results'), { recursive: true }));

async function phone(): Promise<Page> {
  const page = await sys.browser.newPage({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  await signInPage(page, sys.base, 'admin', sys.adminPassword());
  return page;
}

/** What runs past the screen's right edge (page scroll), as elements named for the failure message. */
const overflow = (page: Page): Promise<string[]> =>
  page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    if (document.documentElement.scrollWidth > width) out.push(`page ${document.documentElement.scrollWidth}px > ${width}px`);
    for (const el of document.querySelectorAll('main *, header *, aside *')) {
      // Inside a box that scrolls by itself (a wide table), running past is that box's business.
      if (el.closest('table.devices, .report')) continue;
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > width + 0.5) out.push(`${el.tagName.toLowerCase()}.${el.className} right ${Math.round(r.right)}`);
    }
    return out.slice(0, 8);
  });

describe('on a phone, 360 px wide', () => {
  it('the board with an alert and the notices fits the width', { timeout: 60_000 }, async () => {
    const page = await phone();
    for (const n of [1, 2, 3]) {
      await fetch(`${sys.base}/sim/api/filia/okienko-${n}/press`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ button: 'away' }) });
    }
    await page.locator('li[data-alert="no_counter_available"]').waitFor({ timeout: 15_000 });
    await expect.poll(() => page.locator('article.card').count(), { timeout: 10_000 }).toBe(6);
    await page.locator('li[data-alert="no_counter_available"]').getByRole('button', { name: 'Potwierdź' }).click();
    expect(await overflow(page)).toEqual([]);
    // The alerts above the cards, not 2,000 px down after them.
    const top = async (selector: string) => (await page.locator(selector).first().boundingBox())!.y;
    expect(await top('#alerts')).toBeLessThan(await top('article.card'));
    await page.locator('#alerts').screenshot({ path: path.join(ROOT, 'test-results', 'phone-alerts.png') });
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('the alert history, the devices table and the reports fit the width, wide tables scrolling inside themselves', { timeout: 60_000 }, async () => {
    const page = await phone();
    const api = await signIn(sys.base, 'admin', sys.adminPassword());
    expect((await api.get('/api/alerts?limit=1')).status).toBe(200);
    await page.goto(`${sys.base}/alerts`);
    await page.locator('main h2', { hasText: 'Historia alertów' }).waitFor();
    await page.locator('table[data-testid="alert-history"] tbody tr').first().waitFor({ timeout: 10_000 });
    expect(await overflow(page)).toEqual([]);
    await page.screenshot({ path: path.join(ROOT, 'test-results', 'phone-alert-history.png') });
    await page.goto(`${sys.base}/devices`);
    await page.getByTestId('devices').locator('tbody tr').first().waitFor({ timeout: 10_000 });
    expect(await overflow(page)).toEqual([]);
    // The table's first column stays in view while the rest scrolls sideways.
    expect(await page.getByTestId('devices').evaluate((t) => getComputedStyle(t).overflowX === 'auto' && t.scrollWidth > t.clientWidth)).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto(`${sys.base}/reports`);
    await page.getByRole('heading', { name: 'Tydzień po tygodniu: zadowolenie i dostępność' }).waitFor();
    await page.locator('canvas').first().waitFor();
    expect(await overflow(page)).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('/sim, the simulated counters, is a styled page by site whose links open each panel', { timeout: 60_000 }, async () => {
    const page = await sys.browser.newPage({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    await page.goto(`${sys.base}/sim`);
    await expect.poll(() => page.locator('li.card').count()).toBe(6);
    expect(await page.locator('section[data-site]').evaluateAll((s) => s.map((e) => e.getAttribute('data-site')))).toEqual(['filia', 'ratusz']);
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('li.card')!).backgroundColor)).toBe('rgb(255, 255, 255)'); // styled, not a bare list
    expect(await overflow(page)).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
    await page.locator('li[data-counter="ratusz/okienko-2"]').getByRole('link', { name: 'okienko-2', exact: true }).click();
    await page.waitForURL(`${sys.base}/sim/ratusz/okienko-2`);
    await page.getByTestId('btn-clerk').waitFor();
  });
});
