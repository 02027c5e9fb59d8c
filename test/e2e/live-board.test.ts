import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/okienko.ts';
import { signInPage } from '../helpers/session.ts';
import { useStartedSystem } from '../helpers/started.ts';

const sys = useStartedSystem('e2e');

describe('a press on a virtual panel reaches the dashboard live', () => {
  it('shows a smiley vote and the away notice without reload', async () => {
    const page = await sys.browser.newPage();
    // The browser's clock is ours to move, so "overdue" can be checked without waiting.
    await page.clock.install();
    await signInPage(page, sys.base, 'admin', sys.adminPassword());
    await page.goto(`${sys.base}/`);
    await page.getByTestId('connection').filter({ hasText: 'na żywo' }).waitFor();
    await expect.poll(() => page.locator('article.card').count(), { timeout: 10_000 }).toBe(6);
    const card = page.locator('article[data-counter="ratusz/okienko-1"]');
    await expect.poll(() => card.getAttribute('data-status')).toBe('available');
    expect(await card.getByTestId('face-4').textContent()).toBe('0');
    let navigations = 0;
    page.on('framenavigated', () => navigations++);

    // The card links to its virtual panel.
    const panelHref = await card.locator('a.panel-link').getAttribute('href');
    expect(panelHref).toBe(`${sys.base}/sim/ratusz/okienko-1`);
    const panel = await sys.browser.newPage();
    await panel.goto(panelHref!);
    await panel.getByTestId('btn-face-4').click();
    await expect.poll(() => card.getByTestId('face-4').textContent(), { timeout: 10_000 }).toBe('1');
    await expect.poll(() => panel.getByTestId('display').textContent()).toContain('Dziękujemy za ocenę');

    await panel.getByTestId('btn-away').click();
    await expect.poll(() => card.getAttribute('data-status'), { timeout: 10_000 }).toBe('away');
    const notice = await card.locator('.notice').textContent();
    expect(notice).toMatch(/Wracam o \d\d:\d\d/);
    expect(notice).toContain('W tym czasie zapraszam do:');
    expect(notice).toContain('Jan Kowalski'); // the substitute at the next counter
    expect(notice).toContain('— Anna Nowak'); // signed by the clerk on duty
    await expect.poll(() => panel.getByTestId('light').getAttribute('data-color')).toBe('red');

    // The first preset announces a return in five minutes, rounded up to the whole minute (so up
    // to 6:00 ahead; the countdown rounds up too, and the board's clock ticks every 5 s: "za 7 min"
    // when the press fell just after a whole minute). Six minutes on, it is overdue.
    expect(await card.getByTestId('overdue').count()).toBe(0);
    expect(await card.getByTestId('countdown').textContent()).toMatch(/za [5-7] min/);
    await page.clock.fastForward('06:05');
    await card.getByTestId('overdue').waitFor({ timeout: 10_000 });

    // A badge at the reader changes the clerk on duty, on the board too. Piotr is at the desk:
    // the counter is free again, and Anna's notice is not left up as if he had signed it.
    await panel.getByTestId('badge').selectOption({ label: 'Piotr Wójcik (000A000004)' });
    await expect.poll(() => card.getByTestId('clerk').textContent(), { timeout: 10_000 }).toBe('Piotr Wójcik');
    await expect.poll(() => card.getAttribute('data-status'), { timeout: 10_000 }).toBe('available');
    expect(await card.locator('.notice').count()).toBe(0);

    // One button is enough: holding the clerk button picks "leaving" on another counter.
    const panel2 = await sys.browser.newPage();
    await panel2.goto(`${sys.base}/sim/ratusz/okienko-2`);
    await panel2.getByTestId('btn-clerk').hover();
    await panel2.mouse.down();
    await expect.poll(() => panel2.getByTestId('display').textContent(), { timeout: 5_000 }).toContain('Wychodzę');
    await panel2.mouse.up();
    await expect.poll(() => page.locator('article[data-counter="ratusz/okienko-2"]').getAttribute('data-status'), { timeout: 10_000 }).toBe('away');

    // Filters: only the counters that are away, then only one site.
    await page.getByTestId('filter-state').selectOption('away');
    await expect.poll(() => page.locator('article.card').count()).toBe(1);
    await page.getByTestId('filter-state').selectOption('');
    await page.getByTestId('filter-site').selectOption('filia');
    await expect.poll(() => page.locator('article.card').count()).toBe(3);
    await page.getByTestId('filter-site').selectOption('');

    expect(navigations).toBe(0); // all of it live, no reload
    // README's pictures come from here: OKIENKO_SCREENSHOTS=docs/screenshots refreshes them.
    const shots = path.join(ROOT, process.env.OKIENKO_SCREENSHOTS ?? 'test-results');
    fs.mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: path.join(shots, 'live-board.png'), fullPage: true });
    await panel.screenshot({ path: path.join(shots, 'panel.png'), fullPage: true });
  });
});
