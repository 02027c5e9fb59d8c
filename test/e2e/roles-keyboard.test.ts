import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { signIn, signInPage } from '../helpers/session.ts';
import { seriousViolations, useStartedSystem } from '../helpers/started.ts';

/**
 * Issue 19, defects 7 and 9: the dashboard offers each role only what it may do and says every
 * refusal in the page's language; by keyboard, an acknowledgement's form takes the focus and a
 * half-written comment survives the live board's updates.
 */
const sys = useStartedSystem('roles');

/** A user of the given role, made by the admin through the API. */
async function user(username: string, role: 'viewer' | 'manager'): Promise<string> {
  const admin = await signIn(sys.base, 'admin', sys.adminPassword());
  const res = await admin.post('/api/users', { username, role });
  expect(res.status).toBe(201);
  return ((await res.json()) as { password: string }).password;
}

async function press(counter: string, button: string): Promise<void> {
  const res = await fetch(`${sys.base}/sim/api/${counter}/press`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ button }) });
  expect(res.status).toBe(200);
}

/** Every counter at "filia" steps away: the no-counter-available alert (S5) is raised. */
async function emptyFilia(page: Page): Promise<void> {
  for (const n of [1, 2, 3]) {
    const { status } = (await (await fetch(`${sys.base}/sim/api/filia/okienko-${n}`)).json()) as { status: string };
    if (status !== 'away') await press(`filia/okienko-${n}`, 'away');
  }
  await page.locator('li[data-alert="no_counter_available"][data-site="filia"]').waitFor({ timeout: 15_000 });
}

async function boardAs(username: string, password: string): Promise<Page> {
  const page = await sys.browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await signInPage(page, sys.base, username, password);
  await page.getByTestId('connection').filter({ hasText: 'na żywo' }).waitFor();
  await expect.poll(() => page.locator('article.card').count(), { timeout: 10_000 }).toBe(6);
  return page;
}

const focusedTag = (page: Page): Promise<string> => page.evaluate(() => document.activeElement?.tagName.toLowerCase() ?? '');

describe('roles on the dashboard', () => {
  it('a viewer sees the board, alerts and notices but is offered no acknowledge, send, withdraw or credentials', { timeout: 90_000 }, async () => {
    const admin = await signIn(sys.base, 'admin', sys.adminPassword());
    expect((await admin.post('/api/notices', { site: 'ratusz', text: 'Kasa nieczynna', from: 'Kierownik BOM', minutes: 30 })).status).toBe(201);
    const page = await boardAs('ola', await user('ola', 'viewer'));
    await emptyFilia(page);
    const alert = page.locator('li[data-alert="no_counter_available"][data-site="filia"]');
    expect(await alert.getByRole('button').count()).toBe(0);
    expect(await page.getByTestId('viewer-note').textContent()).toContain('tylko do podglądu');
    await page.locator('section.notices li', { hasText: 'Kasa nieczynna' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('section.notices form').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Wycofaj' }).count()).toBe(0);
    expect(await page.getByTestId('me').textContent()).toContain('ola (podgląd)');
    expect(await seriousViolations(page)).toEqual([]);

    // The alert history says what is wrong with a period that runs backwards, not "no alerts".
    await page.goto(`${sys.base}/alerts`);
    const to = await page.locator('input[type="date"]').last().inputValue();
    await page.locator('input[type="date"]').first().fill(`${Number(to.slice(0, 4)) + 1}${to.slice(4)}`);
    await expect.poll(() => page.getByTestId('period-backwards').textContent()).toContain('Wybierz datę „od” nie późniejszą niż „do”');

    await page.goto(`${sys.base}/devices`);
    await page.getByTestId('admin-note').waitFor();
    expect(await page.getByRole('button', { name: 'Utwórz dane logowania' }).count()).toBe(0);
    // The bridge refuses all the same, with the code the page would translate.
    const viewer = await signIn(sys.base, 'ola', await user('ola', 'viewer'));
    const refused = await viewer.post('/api/notices', { site: 'ratusz', text: 'x', from: 'x', minutes: 1 });
    expect([refused.status, ((await refused.json()) as { error: string }).error]).toEqual([403, 'forbidden']);
  });

  it('a manager acknowledges by keyboard alone: skip to the alerts, the form takes the focus, the draft survives live updates, a refusal is said in Polish', { timeout: 90_000 }, async () => {
    const page = await boardAs('marek', await user('marek', 'manager'));
    await emptyFilia(page);
    await expect.poll(() => page.getByTestId('alerts-count').textContent()).toBe('(1)');
    expect(await page.getByTestId('me').textContent()).toContain('marek (kierownik)');
    expect(await page.getByRole('button', { name: 'Utwórz dane logowania' }).count()).toBe(0);

    // Skip to content is the first stop, the alerts the second: Enter there, then Tab reaches the alert.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Przejdź do treści');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Przejdź do alertów');
    await page.keyboard.press('Enter');
    for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement?.textContent)) !== 'Potwierdź'; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Potwierdź');
    await page.keyboard.press('Enter');
    // The form opened has the focus: what is typed lands in the comment, not on <body>.
    await expect.poll(() => focusedTag(page)).toBe('textarea');
    await page.keyboard.type('Dzwonię do filii');

    // The board moves while the manager types (a counter changes, twice): the draft and the focus stay.
    const comment = page.locator('li[data-alert="no_counter_available"] textarea');
    for (const button of ['clerk', 'clerk']) {
      const before = await page.locator('article.card[data-counter="ratusz/okienko-1"]').getAttribute('data-status');
      await press('ratusz/okienko-1', button);
      await expect.poll(() => page.locator('article.card[data-counter="ratusz/okienko-1"]').getAttribute('data-status'), { timeout: 10_000 }).not.toBe(before);
      expect(await comment.inputValue()).toBe('Dzwonię do filii');
      expect(await focusedTag(page)).toBe('textarea');
    }
    await page.keyboard.type(', wraca o 12');

    // A stale tab (its CSRF token gone): the refusal is shown, in Polish, and the draft is kept.
    await page.evaluate(() => (document.cookie = 'okienko_csrf=; Max-Age=0; Path=/'));
    await page.getByRole('button', { name: 'Zapisz potwierdzenie' }).click();
    await expect.poll(() => page.getByTestId('ack-error').textContent()).toContain('token zabezpieczający');
    expect(await comment.inputValue()).toBe('Dzwonię do filii, wraca o 12');
    expect(await seriousViolations(page)).toEqual([]);

    // Signed in again, the acknowledgement goes through; acknowledged, it no longer counts as waiting.
    // (A new password ends marek's sessions: the board goes to the login page by itself.)
    const again = await user('marek', 'manager');
    await page.waitForURL(/\/login\?next=%2F$/, { timeout: 30_000 });
    await signInPage(page, sys.base, 'marek', again);
    const alert = page.locator('li[data-alert="no_counter_available"][data-site="filia"]');
    await alert.getByRole('button', { name: 'Potwierdź' }).click();
    await expect.poll(() => focusedTag(page)).toBe('textarea');
    await page.keyboard.type('Dzwonię do filii');
    await page.keyboard.press('Control+Enter'); // saves; Enter alone is a new line
    await expect.poll(() => alert.getByTestId('acked').textContent(), { timeout: 10_000 }).toContain('przez marek: Dzwonię do filii');
    // The focus stays on the alert just acknowledged, not on <body>.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-alert'))).toBe('no_counter_available');
    await expect.poll(() => page.getByTestId('alerts-count').textContent()).toBe('(0)');
    expect(await page.locator('section.alerts h2').textContent()).toContain('1 potwierdzony');
  });

  it('keeps the sound choice across a reload', { timeout: 60_000 }, async () => {
    const page = await boardAs('admin', sys.adminPassword());
    const sound = page.getByLabel('dźwięk');
    expect(await sound.isChecked()).toBe(false);
    await sound.check();
    await page.reload();
    await page.getByTestId('connection').filter({ hasText: 'na żywo' }).waitFor();
    expect(await page.getByLabel('dźwięk').isChecked()).toBe(true);
    await page.getByLabel('dźwięk').uncheck();
    await page.reload();
    await page.getByTestId('connection').filter({ hasText: 'na żywo' }).waitFor();
    expect(await page.getByLabel('dźwięk').isChecked()).toBe(false);
  });
});
