import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import mqtt from 'mqtt';
import { signIn, signInPage } from '../helpers/session.ts';
import { seriousViolations, useStartedSystem } from '../helpers/started.ts';

const sys = useStartedSystem('manager');

async function board(): Promise<Page> {
  const page = await sys.browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await signInPage(page, sys.base, 'admin', sys.adminPassword());
  await page.getByTestId('connection').filter({ hasText: 'na żywo' }).waitFor();
  await expect.poll(() => page.locator('article.card').count(), { timeout: 10_000 }).toBe(6);
  return page;
}

describe('the manager\'s dashboard', () => {
  it('sends a notice to one counter\'s display and lists it until withdrawn', { timeout: 60_000 }, async () => {
    const page = await board();
    const form = page.locator('section.notices form');
    await form.getByLabel('Biuro').selectOption('ratusz');
    await form.getByLabel('Stanowisko').selectOption('okienko-3');
    await form.getByLabel('Treść').fill('Awaria drukarki, wydruki przy stanowisku 1');
    await form.getByLabel('Minut').fill('10');
    await form.getByRole('button', { name: 'Wyślij' }).click();
    const listed = page.locator('section.notices li', { hasText: 'Awaria drukarki' });
    await listed.waitFor({ timeout: 10_000 });
    expect(await listed.textContent()).toContain('ratusz/okienko-3');

    // On the counter's own display (its pages turn every 4 s).
    const panel = await sys.browser.newPage();
    await panel.goto(`${sys.base}/sim/ratusz/okienko-3`);
    await expect.poll(() => panel.getByTestId('display').textContent(), { timeout: 15_000, interval: 250 }).toContain('Awaria drukarki');
    // Not on another's.
    const other = await (await fetch(`${sys.base}/sim/api/ratusz/okienko-2`)).json() as { hardware: { lines: string[] } };
    expect(other.hardware.lines.join(' ')).not.toContain('Awaria');

    await listed.getByRole('button', { name: 'Wycofaj' }).click();
    await listed.waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('shows a new alert at once and records its acknowledgement with a comment', { timeout: 60_000 }, async () => {
    const page = await board();
    // Everyone at "filia" leaves the desk: a resident there would find no one (S5).
    for (const n of [1, 2, 3]) {
      const panel = await sys.browser.newPage();
      await panel.goto(`${sys.base}/sim/filia/okienko-${n}`);
      await panel.getByTestId('btn-away').click();
      await panel.close();
    }
    const alert = page.locator('li[data-alert="no_counter_available"][data-site="filia"]');
    await alert.waitFor({ timeout: 15_000 });
    expect(await alert.textContent()).toContain('filia: żadne stanowisko nie jest wolne ani nie obsługuje');
    await alert.getByRole('button', { name: 'Potwierdź' }).click();
    await alert.getByLabel('Komentarz').fill('Pani Ewa wraca z przerwy, dzwoniłem');
    await alert.getByRole('button', { name: 'Zapisz potwierdzenie' }).click();
    await expect.poll(() => alert.getByTestId('acked').textContent(), { timeout: 10_000 }).toContain('Pani Ewa wraca z przerwy, dzwoniłem');
    // Kept as history in the API.
    const api = await signIn(sys.base, 'admin', sys.adminPassword());
    const history = await api.json<{ kind: string; comment: string | null; ackedBy: string | null }[]>('/api/alerts?limit=50');
    // Who acknowledged is the signed-in user, not something the request claims.
    expect(history.find((a) => a.kind === 'no_counter_available')).toMatchObject({ comment: 'Pani Ewa wraca z przerwy, dzwoniłem', ackedBy: 'admin' });

    // The history page: the acknowledged alert with who and why; filtered by kind and site.
    await page.getByRole('link', { name: 'historia', exact: true }).click();
    await page.waitForURL(/\/alerts$/);
    const row = page.getByTestId('alert-history').locator('tr[data-alert="no_counter_available"][data-site="filia"]');
    await row.waitFor({ timeout: 10_000 });
    expect(await row.getByTestId('acked').textContent()).toMatch(/potwierdzone \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} przez admin: Pani Ewa wraca z przerwy, dzwoniłem/);
    await page.getByTestId('alerts-kind').selectOption('offline');
    await expect.poll(() => page.locator('tr[data-alert="no_counter_available"]').count()).toBe(0);
    await page.getByTestId('alerts-kind').selectOption('');
    await page.getByTestId('alerts-site').selectOption('ratusz');
    await expect.poll(() => page.locator('tr[data-alert="no_counter_available"]').count()).toBe(0);
    await page.getByTestId('alerts-site').selectOption('filia');
    await row.waitFor();
    const csvHref = await page.locator('a.csv').getAttribute('href');
    const csv = await (await api.get(csvHref!)).text();
    // The page's language: Polish Excel's `;`, the message in Polish.
    expect(csvHref).toContain('lang=pl');
    expect(csv).toContain('no_counter_available;filia;;filia: żadne stanowisko nie jest wolne');
    expect(csv).toContain('Pani Ewa wraca z przerwy');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('draws the reports for a period, and exports what is on screen as CSV', { timeout: 60_000 }, async () => {
    const panel = await sys.browser.newPage();
    await panel.goto(`${sys.base}/sim/ratusz/okienko-3`);
    for (const face of ['face-4', 'face-4', 'face-1']) {
      await panel.getByTestId(`btn-${face}`).click();
      await expect.poll(() => panel.getByTestId('display').textContent()).toContain('Dziękujemy');
    }
    const page = await board();
    await page.goto(`${sys.base}/reports`);
    await page.getByTestId('trend').waitFor({ timeout: 10_000 });
    // This week's row of the table beside the chart: one vote (the two after it, within ten
    // seconds, are flagged as a repeat and not counted).
    await expect.poll(() => page.getByTestId('trend-table').locator('tbody tr').last().locator('td').first().textContent()).toBe('1');
    const heat = page.getByTestId('heatmap');
    await expect.poll(() => heat.locator('td', { hasText: '(' }).count()).toBeGreaterThan(0);
    expect(await page.getByTestId('shares').textContent()).toContain('ratusz — 1 ocena, wynik 100');
    const csvHref = await page.locator('section', { hasText: 'Stanowiska' }).locator('.csv a').getAttribute('href');
    const api = await signIn(sys.base, 'admin', sys.adminPassword());
    const bytes = Buffer.from(await (await api.get(csvHref!)).arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // a BOM, so spreadsheets read Polish letters
    const csv = bytes.subarray(3).toString('utf8');
    expect(csvHref).toContain('lang=pl');
    expect(csv.startsWith('stanowisko;oceny;wynik (0-100);ocena 1;ocena 2;ocena 3;ocena 4\r\n')).toBe(true);
    expect(csv).toContain('ratusz/okienko-3');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('lists the counters as devices for IT, and gives a new counter its broker login', async () => {
    const page = await board();
    await page.goto(`${sys.base}/devices`);
    const rows = page.getByTestId('devices').locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(6);
    const row = (await page.locator('tr[data-counter="ratusz/okienko-1"]').textContent())!;
    expect(row).toContain('tak');
    expect(row).toMatch(/\d+\.\d+\.\d+/); // its software version
    await page.getByLabel('Biuro', { exact: true }).fill('ratusz');
    await page.getByLabel('Stanowisko', { exact: true }).fill('okienko-9');
    await page.getByRole('button', { name: 'Utwórz dane logowania' }).click();
    // Shown once; the broker takes them at once, and nothing else gets in.
    await expect.poll(() => page.getByTestId('credentials').textContent()).toContain('użytkownik: ratusz/okienko-9');
    const password = /hasło: (\S+)/.exec((await page.getByTestId('credentials').textContent())!)![1]!;
    const counter = await mqtt.connectAsync(sys.mqttUrl, { username: 'ratusz/okienko-9', password, reconnectPeriod: 0 });
    await counter.endAsync();
    await expect(mqtt.connectAsync(sys.mqttUrl, { reconnectPeriod: 0 })).rejects.toThrow(); // anonymous: refused
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('has no serious or critical accessibility violations on the board (axe-core, WCAG 2.1 AA)', async () => {
    expect(await seriousViolations(await board())).toEqual([]);
  });
});
