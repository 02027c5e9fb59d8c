import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Office } from '@okienko/protocol';
import { ROOT } from '../helpers/okienko.ts';
import { signInPage } from '../helpers/session.ts';
import { seriousViolations, useStartedSystem } from '../helpers/started.ts';

/** What another engineer's helmet setup will send: the pages must work under it unchanged. */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'";

const sys = useStartedSystem('demo', { demo: true });

/** A page that gets every document with the strict policy as a header, and notes each violation. */
async function strictPage(): Promise<{ page: Page; violations: string[] }> {
  const page = await sys.browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const violations: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await page.route('**/*', async (route) => {
    if (route.request().resourceType() !== 'document') return route.continue();
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': CSP } });
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`Content Security Policy: ${e.violatedDirective} ${e.blockedURI}`));
  });
  return { page, violations };
}

const office = async (): Promise<Office> => (await fetch(`${sys.base}/api/public/office`)).json() as Promise<Office>;

/** Polish counts: 1 ocena, 2-4 oceny (not 12-14), else ocen. */
const polish = (n: number): string => (n === 1 ? 'ocena' : n % 10 >= 2 && n % 10 <= 4 && !(n % 100 >= 12 && n % 100 <= 14) ? 'oceny' : 'ocen');

describe('the demo office, as a newcomer finds it', () => {
  it('is marked as the demo\'s, points to the panels, and the board moves and an alert comes and goes', { timeout: 120_000 }, async () => {
    const { page, violations } = await strictPage();
    await signInPage(page, sys.base, 'admin', sys.adminPassword());
    await page.getByTestId('connection').filter({ hasText: 'na żywo' }).waitFor();
    expect(await page.getByTestId('demo-banner').textContent()).toMatch(/^DEMO Dane przykładowe, wygenerowane \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} — nie są to dane urzędu\./);
    expect(await page.getByTestId('sim-hint').getByRole('link').getAttribute('href')).toBe('/sim');
    // The clerk who left before the start is late: the alert is there at once, and goes when they are back.
    const alert = page.locator('li[data-alert="away_overdue"]');
    await alert.first().waitFor({ timeout: 30_000 });
    await expect.poll(() => alert.count(), { timeout: 75_000, interval: 1000 }).toBe(0);
    // Meanwhile the board moved on its own.
    const statuses = async () => page.locator('article.card').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-status')).join());
    const before = await statuses();
    await expect.poll(statuses, { timeout: 60_000, interval: 500 }).not.toBe(before);
    expect(violations).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('shows a month of reports at once, drawn under the strict policy, every figure also as text', { timeout: 90_000 }, async () => {
    const since = (await office()).demo!.since;
    const { page, violations } = await strictPage();
    // The page's "today" is the demo's day, whatever the hour runs to while the suite goes.
    await page.clock.setFixedTime(since);
    await signInPage(page, sys.base, 'admin', sys.adminPassword());
    await page.goto(`${sys.base}/reports`);
    for (const chart of ['trend', 'sites', 'shares-chart']) {
      const canvas = page.getByTestId(chart);
      await canvas.waitFor({ timeout: 15_000 });
      expect(await canvas.getAttribute('aria-label')).toBeTruthy();
      // Drawn: Chart.js sized it, and it holds more than one colour.
      const colours = await canvas.evaluate((c: HTMLCanvasElement) => {
        const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        const seen = new Set<number>();
        for (let i = 0; i < data.length; i += 4 * 97) seen.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
        return seen.size;
      });
      expect(colours).toBeGreaterThan(3);
    }
    // Four weeks, each with votes and served clients.
    const weeks = page.getByTestId('trend-table').locator('tbody tr');
    expect(await weeks.count()).toBeGreaterThanOrEqual(4);
    for (const row of (await weeks.allTextContents()).slice(1, -1)) expect(row).toMatch(/^\d{2}\.\d{2}\.\d{4}\d{2,}/);
    expect(await page.getByTestId('sites-table').locator('tbody tr').count()).toBe(2);
    expect(await page.getByTestId('score-explained').textContent()).toContain('100 — każdy wybrał najbardziej zadowoloną buźkę');
    // Each site's count in the right Polish form.
    for (const line of await page.getByTestId('shares').locator('li').allTextContents()) {
      const [, n, word] = /— (\d+) (\S+), wynik/.exec(line)!;
      expect(word).toBe(polish(Number(n)));
    }
    // Its own request, which the charts above do not wait for: until it answers the section says
    // "loading" and has no table, so counting at once raced the bridge (and lost on a slow run).
    const availability = page.getByTestId('availability');
    await availability.waitFor({ timeout: 15_000 });
    expect(await availability.locator('tbody tr').count()).toBe(6);
    expect(violations).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
    const shots = path.join(ROOT, process.env.OKIENKO_SCREENSHOTS ?? 'test-results');
    fs.mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: path.join(shots, 'report.png'), fullPage: true });
  });

  it('keeps the period in the address, reads it back, and says what is wrong with a backwards one', { timeout: 60_000 }, async () => {
    const since = (await office()).demo!.since;
    const { page } = await strictPage();
    await page.clock.setFixedTime(since);
    await signInPage(page, sys.base, 'admin', sys.adminPassword());
    await page.goto(`${sys.base}/reports`);
    await page.getByTestId('trend').waitFor({ timeout: 15_000 });
    const to = await page.getByTestId('to').inputValue();
    const from = new Date(Date.parse(`${to}T00:00:00Z`) - 13 * 86_400_000).toISOString().slice(0, 10);
    await page.getByTestId('from').fill(from);
    await expect.poll(() => new URL(page.url()).searchParams.get('from')).toBe(from);
    expect(new URL(page.url()).searchParams.get('to')).toBe(to);
    // Sent as a link: another browser shows the same two weeks.
    const other = await sys.browser.newPage();
    await other.clock.setFixedTime(since);
    await signInPage(other, sys.base, 'admin', sys.adminPassword());
    await other.goto(page.url());
    expect(await other.getByTestId('from').inputValue()).toBe(from);
    await expect.poll(() => other.getByTestId('trend-table').locator('tbody tr').count(), { timeout: 15_000 }).toBeLessThanOrEqual(3);

    // "From" after "to": no empty page without a word, but what is wrong and how to fix it — twice.
    for (const bad of ['2031-01-05', '2031-02-01']) {
      await page.getByTestId('from').fill(bad);
      const problem = page.getByTestId('period-problem');
      await expect.poll(() => problem.textContent()).toBe(
        `Początek okresu (${bad.slice(8)}.${bad.slice(5, 7)}.${bad.slice(0, 4)}) jest po jego końcu (${to.slice(8)}.${to.slice(5, 7)}.${to.slice(0, 4)}), więc nie ma czego pokazać. Wybierz datę „od” nie późniejszą niż „do”.`,
      );
      expect(await page.getByTestId('trend').count()).toBe(0);
      await page.getByTestId('from').fill(from);
      await page.getByTestId('trend').waitFor({ timeout: 15_000 });
      expect(await problem.count()).toBe(0);
    }
    // In English, the same page says it in English, with the plural English takes.
    await page.goto(`${page.url()}&lang=en`);
    await expect.poll(() => page.getByTestId('shares').locator('li').first().textContent(), { timeout: 15_000 }).toMatch(/— \d+ votes, score/);
  });

  it('tells residents on the lobby board that the data is the demo\'s', async () => {
    const { page, violations } = await strictPage();
    await page.goto(`${sys.base}/lobby`);
    expect(await page.getByTestId('demo-banner').textContent()).toContain('example data');
    expect(violations).toEqual([]);
  });
});
