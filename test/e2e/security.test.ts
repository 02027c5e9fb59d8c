import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { signIn, signInPage } from '../helpers/session.ts';
import { seriousViolations, useStartedSystem } from '../helpers/started.ts';

const sys = useStartedSystem('security');

/** A page that notes every Content-Security-Policy violation, however it is reported. */
async function watchedPage(): Promise<{ page: Page; violations: string[] }> {
  const page = await sys.browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const violations: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) violations.push(`${page.url()}: ${m.text()} ${m.location().url}:${m.location().lineNumber}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`Content Security Policy: ${e.violatedDirective} ${e.blockedURI}`));
  });
  return { page, violations };
}

describe('the pages under the bridge\'s own security headers', () => {
  it('every page sends the policy and frame protection, and none breaks it in Chromium', { timeout: 90_000 }, async () => {
    const { page, violations } = await watchedPage();
    // Public pages first, then the signed-in ones (the redirect to the login page carries them too).
    const first = await page.goto(`${sys.base}/devices`);
    expect(page.url()).toContain('/login?next=%2Fdevices');
    expect(first!.request().redirectedFrom()).not.toBeNull();
    await signInPage(page, sys.base, 'admin', sys.adminPassword());
    for (const [url, ready] of [
      ['/', 'article.card'],
      ['/lobby', 'main'],
      ['/reports', 'main h2'],
      ['/alerts', 'main'],
      ['/devices', '[data-testid="devices"] tbody tr'],
      ['/sessions', '[data-testid="sessions"] tbody tr'],
      ['/sim', 'a[href^="/sim/"]'],
      ['/sim/ratusz/okienko-1', '[data-testid="display"]'],
    ] as const) {
      const res = await page.goto(`${sys.base}${url}`);
      await page.locator(ready).first().waitFor({ timeout: 15_000 });
      const h = res!.headers();
      expect(h['content-security-policy'], url).toMatch(/^default-src 'self';script-src 'self';.*style-src 'self';.*frame-ancestors 'none'$/);
      expect(h['x-content-type-options'], url).toBe('nosniff');
      expect(h['x-frame-options'], url).toBe('DENY');
    }
    await page.goto(`${sys.base}/login`);
    await page.getByLabel('Hasło').waitFor();
    expect(violations).toEqual([]);
    // The policy is really in force: an inline script is refused, and reported.
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.inlineRan = true';
      document.body.append(s);
    });
    await expect.poll(() => violations.length).toBeGreaterThan(0);
    expect(await page.evaluate(() => (window as unknown as { inlineRan?: boolean }).inlineRan)).toBeUndefined();
  });
});

describe('the devices page', () => {
  it('checks an id in the form before sending it (the pattern compiles in Chromium)', { timeout: 60_000 }, async () => {
    const { page, violations } = await watchedPage();
    await signInPage(page, sys.base, 'admin', sys.adminPassword());
    await page.goto(`${sys.base}/devices`);
    const form = page.locator('form');
    const sent: string[] = [];
    page.on('request', (r) => r.method() === 'POST' && r.url().endsWith('/api/devices') && sent.push(r.url()));
    for (const bad of ['Ratusz', 'ratusz-', 'rat usz', 'ratusz/1']) {
      await form.getByLabel('Biuro').fill(bad);
      await form.getByLabel('Stanowisko').fill('okienko-8');
      await form.getByRole('button', { name: 'Utwórz dane logowania' }).click();
      const validity = await form.getByLabel('Biuro').evaluate((i: HTMLInputElement) => ({ patternMismatch: i.validity.patternMismatch, rule: i.title }));
      expect(validity.patternMismatch, bad).toBe(true);
      // Chromium shows the title beside its own "match the requested format".
      expect(validity.rule).toContain('małe litery, cyfry');
    }
    expect(sent).toEqual([]);
    await form.getByLabel('Biuro').fill('ratusz');
    expect(await form.getByLabel('Biuro').evaluate((i: HTMLInputElement) => i.validity.valid)).toBe(true);
    expect(violations).toEqual([]);
  });

  it('warns and asks before replacing a counter\'s credentials, and lists counters provisioned but never seen', { timeout: 60_000 }, async () => {
    const { page } = await watchedPage();
    await signInPage(page, sys.base, 'admin', sys.adminPassword());
    await page.goto(`${sys.base}/devices`);
    const form = page.locator('form');
    const create = async (site: string, counter: string) => {
      await form.getByLabel('Biuro').fill(site);
      await form.getByLabel('Stanowisko').fill(counter);
      await form.getByRole('button', { name: 'Utwórz dane logowania' }).click();
    };
    // A new counter: credentials at once, and it is listed as never seen.
    await create('filia', 'okienko-9');
    const credentials = page.getByTestId('credentials');
    await credentials.filter({ hasText: 'filia/okienko-9' }).waitFor();
    const firstPassword = /hasło: (\S+)/.exec((await credentials.textContent())!)![1]!;
    await page.getByTestId('never-seen').locator('li[data-counter="filia/okienko-9"]').waitFor();
    // A running simulated counter: a warning that takes the focus, nothing replaced until confirmed.
    await create('ratusz', 'okienko-1');
    const warning = page.getByTestId('replace-warning');
    await warning.waitFor();
    expect(await warning.textContent()).toMatch(/Stanowisko ratusz\/okienko-1 ma już dane logowania\.Jest teraz w sieci i z nich korzysta\. Nowe dane zastąpią stare/);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('replace-warning'); // focused once drawn
    expect(await credentials.count()).toBe(0);
    expect(await page.getByTestId('never-seen').locator('li[data-counter="ratusz/okienko-1"]').count()).toBe(0);
    await warning.getByRole('button', { name: 'Anuluj' }).click();
    expect(await credentials.textContent()).toContain('Nic nie zmieniono');
    // The running counter still logs in: its panel's link stays up.
    expect(((await (await fetch(`${sys.base}/sim/api/ratusz/okienko-1`)).json()) as { linkUp: boolean }).linkUp).toBe(true);
    // The one never seen: the warning says so; replaced once confirmed.
    await create('filia', 'okienko-9');
    expect(await warning.textContent()).toContain('Jeszcze się nie połączyło.');
    await warning.getByRole('button', { name: 'Zastąp dane logowania' }).click();
    await credentials.filter({ hasText: 'filia/okienko-9' }).waitFor();
    expect(/hasło: (\S+)/.exec((await credentials.textContent())!)![1]).not.toBe(firstPassword);
    expect(await warning.count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
  });
});

describe('the sessions page', () => {
  it('lists the user\'s sessions and ends another one, which is then signed out', { timeout: 60_000 }, async () => {
    const other = await signIn(sys.base, 'admin', sys.adminPassword());
    expect((await other.get('/api/counters')).status).toBe(200);
    const { page, violations } = await watchedPage();
    await signInPage(page, sys.base, 'admin', sys.adminPassword());
    await page.goto(`${sys.base}/sessions`);
    const rows = page.getByTestId('sessions').locator('tbody tr');
    await rows.first().waitFor();
    const current = rows.filter({ hasText: 'ta sesja' });
    expect(await current.count()).toBe(1);
    expect(await current.textContent()).toMatch(/admin \(ta sesja\)administrator\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}/);
    // The session signed in by fetch (no browser, Node's own User-Agent): end it.
    const node = rows.filter({ hasText: 'node' }).last();
    const before = await rows.count();
    await node.getByRole('button', { name: 'Zakończ' }).click();
    await expect.poll(() => rows.count()).toBe(before - 1);
    expect((await other.get('/api/counters')).status).toBe(401);
    // This one goes on.
    expect(await page.evaluate(async () => (await fetch('/api/counters')).status)).toBe(200);
    // Signing out here ends it for good: the cookie kept aside works no more.
    const cookie = (await page.context().cookies()).find((c) => c.name === 'okienko_session')!;
    await current.getByRole('button', { name: 'Wyloguj tutaj' }).click();
    await page.waitForURL(/\/login/);
    expect((await fetch(`${sys.base}/api/counters`, { headers: { cookie: `okienko_session=${cookie.value}` } })).status).toBe(401);
    expect(violations).toEqual([]);
  });
});

describe('a board whose session ends elsewhere', () => {
  it('goes to the login page, not on retrying a stream that is refused, each time', { timeout: 60_000 }, async () => {
    const other = await signIn(sys.base, 'admin', sys.adminPassword());
    const { page } = await watchedPage();
    for (let round = 0; round < 2; round++) {
      await signInPage(page, sys.base, 'admin', sys.adminPassword());
      await page.goto(`${sys.base}/`);
      await page.locator('article.card').first().waitFor();
      await expect.poll(() => page.getByTestId('me').count()).toBe(1);
      expect(await page.getByRole('link', { name: 'moje sesje' }).getAttribute('href')).toBe('/sessions');
      const mine = (await page.evaluate(async () => (await (await fetch('/api/sessions')).json()) as { id: string; current: boolean }[])).find((s) => s.current)!;
      expect((await other.del(`/api/sessions/${mine.id}`)).status).toBe(200);
      await page.waitForURL(/\/login\?next=%2F$/, { timeout: 30_000 });
    }
  });
});
