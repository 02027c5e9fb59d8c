import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM, requireBinary } from './system.ts';

/** Debian's Chromium, headless; the flags keep it off the (closed) network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: requireBinary(CHROMIUM, 'chromium'),
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
