import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { NoticeView } from '@okienko/protocol';
import { signIn, signInPage } from '../helpers/session.ts';
import { seriousViolations, useStartedSystem } from '../helpers/started.ts';

const sys = useStartedSystem('language');

/** What has the keyboard focus, and whether a sighted keyboard user can see that it has. */
function focused(page: Page): Promise<{ tag: string; text: string; label: string; testId: string | null; ring: boolean }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const style = getComputedStyle(el);
    return {
      tag: el.tagName.toLowerCase(),
      text: (el.textContent ?? '').trim(),
      label: (el.closest('label')?.textContent ?? '').trim(),
      testId: el.getAttribute('data-testid'),
      ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    };
  });
}

/** Press Tab (or Shift+Tab) until `wanted` has the focus; every stop on the way must show the focus ring. */
async function tabTo(page: Page, wanted: (f: Awaited<ReturnType<typeof focused>>) => boolean, what: string, key = 'Tab'): Promise<void> {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press(key);
    const f = await focused(page);
    if (f.tag !== 'body') expect(f.ring, `no visible focus on <${f.tag}> "${f.text || f.label}"`).toBe(true);
    if (wanted(f)) return;
  }
  throw new Error(`Tab never reached ${what}`);
}

describe('the dashboard in Polish and English, by keyboard alone', () => {
  it('is Polish by default, switches to English everywhere and back, and keeps the choice', { timeout: 60_000 }, async () => {
    const page = await sys.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await signInPage(page, sys.base, 'admin', sys.adminPassword());
    expect(await page.getAttribute('html', 'lang')).toBe('pl');
    await page.getByTestId('connection').filter({ hasText: 'na żywo' }).waitFor();
    await page.getByTestId('language').click();
    await page.getByTestId('connection').filter({ hasText: 'live' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.getByLabel('Site').first().waitFor();
    await expect.poll(() => page.locator('article.card[data-status="available"] [data-testid="status"]').first().textContent(), { timeout: 10_000 }).toBe('Free, please come');
    expect(await page.locator('section.alerts h2').textContent()).toContain('Alerts');
    // Another page, another visit: still English.
    await page.goto(`${sys.base}/reports`);
    await page.getByRole('heading', { name: 'Week by week: satisfaction and availability' }).waitFor();
    // Its CSV comes in English too (`,` and a decimal point), as the page is.
    expect(await page.locator('a[href*="format=csv"]').first().getAttribute('href')).toContain('lang=en');
    await page.goto(`${sys.base}/devices`);
    await page.getByRole('button', { name: 'Create credentials' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    // The way back names Polish in Polish.
    await page.getByTestId('language').filter({ hasText: 'Polski' }).click();
    await page.getByRole('button', { name: 'Utwórz dane logowania' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('pl');
  });

  it('shows times in the office\'s zone and the language\'s format, whatever zone the browser is in', { timeout: 60_000 }, async () => {
    const api = await signIn(sys.base, 'admin', sys.adminPassword());
    const res = await api.post('/api/notices', { site: 'ratusz', counter: null, text: 'Przerwa techniczna w kasie', from: 'Kierownik', minutes: 90 });
    expect(res.status).toBe(201);
    const notice = (await res.json()) as NoticeView;
    const warsaw = new Intl.DateTimeFormat('pl-PL', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Europe/Warsaw' }).format(notice.until);
    const newYork = new Intl.DateTimeFormat('pl-PL', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'America/New_York' }).format(notice.until);
    const context = await sys.browser.newContext({ timezoneId: 'America/New_York', viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    await signInPage(page, sys.base, 'admin', sys.adminPassword());
    const listed = page.locator('section.notices li', { hasText: 'Przerwa techniczna' });
    await listed.waitFor({ timeout: 10_000 });
    expect(await listed.textContent()).toContain(`do ${warsaw}`);
    expect(await listed.textContent()).not.toContain(newYork);
    // Dates in Polish form on the devices page: 22.11.2026, 10:45.
    await page.goto(`${sys.base}/devices`);
    await expect.poll(() => page.locator('tr[data-counter="ratusz/okienko-1"] td').nth(1).textContent(), { timeout: 10_000 }).toMatch(/^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/);
    await context.close();
    await api.del(`/api/notices/${notice.id}`);
  });

  it('can be used by keyboard alone, with the focus always visible: sign in, skip to content, send and withdraw a notice', { timeout: 60_000 }, async () => {
    const page = await sys.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${sys.base}/login`);
    await tabTo(page, (f) => f.tag === 'input' && f.label.startsWith('Użytkownik'), 'the username');
    await page.keyboard.type('admin');
    await page.keyboard.press('Tab');
    await page.keyboard.type(sys.adminPassword());
    await page.keyboard.press('Enter');
    await page.waitForURL(`${sys.base}/`);
    await page.getByTestId('connection').filter({ hasText: 'na żywo' }).waitFor();

    // The first stop skips the top bar.
    await page.keyboard.press('Tab');
    expect((await focused(page)).text).toBe('Przejdź do treści');
    await page.keyboard.press('Enter');
    expect(new URL(page.url()).hash).toBe('#main');

    // A notice to a whole site, written and sent from the keyboard.
    await tabTo(page, (f) => f.tag === 'textarea' && f.label.startsWith('Treść'), 'the notice text');
    await page.keyboard.type('Kasa czynna do 15:00');
    await tabTo(page, (f) => f.tag === 'button' && f.text === 'Wyślij', 'send');
    await page.keyboard.press('Enter');
    const listed = page.locator('section.notices li', { hasText: 'Kasa czynna do 15:00' });
    await listed.waitFor({ timeout: 10_000 });
    await tabTo(page, (f) => f.tag === 'button' && f.text === 'Wycofaj', 'withdraw');
    await page.keyboard.press('Enter');
    await listed.waitFor({ state: 'detached', timeout: 10_000 });

    // The language switch answers to the keyboard too.
    await tabTo(page, (f) => f.testId === 'language', 'the language switch', 'Shift+Tab');
    await page.keyboard.press('Enter');
    await page.getByTestId('connection').filter({ hasText: 'live' }).waitFor();
  });
});
