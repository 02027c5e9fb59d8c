import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM, requireBinary } from './system.ts';

/**
 * Debian's Chromium, headless; the flags keep it off the (closed) network. `foreground` keeps a
 * headless page's timers and frames at full rate, as on a screen someone is looking at (for
 * measuring; a hidden page is throttled to a tick a second or less).
 */
export function launchChromium(opts: { foreground?: boolean } = {}): Promise<Browser> {
  const foreground = opts.foreground ? ['--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows'] : [];
  return chromium.launch({
    executablePath: requireBinary(CHROMIUM, 'chromium'),
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', ...foreground],
  });
}
