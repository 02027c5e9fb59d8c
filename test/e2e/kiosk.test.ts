import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { KioskDisplay } from '@okienko/hardware/kiosk';
import { launchChromium } from '../helpers/browser.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

describe('kiosk display on an HDMI screen', () => {
  it('shows the lines full-screen as they change, and says so when it loses the counter', async () => {
    const kiosk = await KioskDisplay.start({ cols: 28, rows: 6 }, 0);
    await kiosk.show(['Zaraz wracam', 'Wracam o 10:45', 'Powód: przerwa', 'Anna Nowak']);
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(kiosk.url);
    await expect.poll(() => page.locator('#screen p').first().textContent()).toBe('Zaraz wracam');
    await kiosk.show(['Stanowisko wolne', 'zapraszam']);
    await expect.poll(() => page.locator('#screen p').allTextContents()).toEqual(['Stanowisko wolne', 'zapraszam', '', '', '', '']);
    // Large letters: on a 720p screen, 28 columns across, each letter is over 60 px tall.
    const fontPx = await page.locator('#screen p').first().evaluate((p) => parseFloat(getComputedStyle(p).fontSize));
    expect(fontPx).toBeGreaterThan(60);
    await kiosk.close();
    await page.locator('#lost').waitFor({ state: 'visible', timeout: 10_000 });
  });
});
