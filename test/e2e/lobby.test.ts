import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LobbyView } from '@okienko/protocol';
import { ROOT } from '../helpers/okienko.ts';
import { signIn } from '../helpers/session.ts';
import { seriousViolations, useStartedSystem } from '../helpers/started.ts';

const sys = useStartedSystem('lobby');

describe('the lobby board for residents', () => {
  it('shows, with no login, where to go: free, serving, away with the return time and who helps meanwhile', { timeout: 60_000 }, async () => {
    const page = await sys.browser.newPage({ viewport: { width: 1600, height: 900 } });
    await page.goto(`${sys.base}/lobby`);
    const tile = (c: string) => page.locator(`li[data-counter="${c}"]`);
    await expect.poll(() => page.locator('li.tile').count(), { timeout: 10_000 }).toBe(6);
    await expect.poll(() => tile('ratusz/okienko-1').getAttribute('data-status')).toBe('available');
    expect(await tile('ratusz/okienko-1').textContent()).toContain('Stanowisko wolne — zapraszam');
    expect(await tile('ratusz/okienko-1').textContent()).toContain('Free, please come');

    const panel = await sys.browser.newPage();
    await panel.goto(`${sys.base}/sim/ratusz/okienko-1`);
    await panel.getByTestId('btn-face-4').click(); // a vote: never on the lobby
    await panel.getByTestId('btn-away').click();
    await expect.poll(() => tile('ratusz/okienko-1').getAttribute('data-status'), { timeout: 10_000 }).toBe('away');
    const away = (await tile('ratusz/okienko-1').textContent())!;
    expect(away).toMatch(/Wracam o \d\d:\d\d/);
    expect(away).toMatch(/Back at \d\d:\d\d/);
    expect(away).toContain('Jan Kowalski, stanowisko 2'); // the substitute at the next counter
    expect(away).toContain('— Anna Nowak');

    const panel2 = await sys.browser.newPage();
    await panel2.goto(`${sys.base}/sim/ratusz/okienko-2`);
    await panel2.getByTestId('btn-clerk').click();
    await expect.poll(() => tile('ratusz/okienko-2').getAttribute('data-status'), { timeout: 10_000 }).toBe('serving');
    expect(await tile('ratusz/okienko-2').textContent()).toContain('Trwa obsługa — proszę czekać');

    // An office notice shows on the hall screen too.
    const api = await signIn(sys.base, 'admin', sys.adminPassword());
    const sent = await api.post('/api/notices', { site: 'ratusz', text: 'Od 14:00 kasa nieczynna', from: 'Kierownik BOM', minutes: 30 });
    expect(sent.status).toBe(201);
    await page.locator('.lobby-notice', { hasText: 'Od 14:00 kasa nieczynna' }).waitFor({ timeout: 10_000 });

    // One site per screen with ?site=.
    const one = await sys.browser.newPage();
    await one.goto(`${sys.base}/lobby?site=filia`);
    await expect.poll(() => one.locator('li.tile').count(), { timeout: 10_000 }).toBe(3);

    expect(await seriousViolations(page)).toEqual([]);
    // README's pictures come from here: OKIENKO_SCREENSHOTS=docs/screenshots refreshes them.
    const shots = path.join(ROOT, process.env.OKIENKO_SCREENSHOTS ?? 'test-results');
    fs.mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: path.join(shots, 'lobby.png'), fullPage: true });
  });

  it('serves only what the counters\' displays show: no votes, no devices, nothing about clients', async () => {
    const res = await fetch(`${sys.base}/api/public/lobby`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as unknown;
    // Strict: any field beyond the lobby's own would fail here.
    const view = LobbyView.parse(body);
    expect(view.counters).toHaveLength(6);
    expect(JSON.stringify(body)).not.toMatch(/feedback|face|health|outbox|panelUrl|version|seq/);
  });
});
