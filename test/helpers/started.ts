import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { freePort, waitFor } from './net.ts';
import { okienko, type Proc } from './okienko.ts';
import { demoAdminPassword } from './session.ts';

export interface Started {
  /** http://127.0.0.1:<port> of the dashboard and API. */
  base: string;
  /** mqtt://127.0.0.1:<port> of its embedded broker (logins on). */
  mqttUrl: string;
  browser: Browser;
  /** The demo admin's password, printed once by the first start. */
  adminPassword(): string;
}

/** `okienko start` (what `npm start` runs) and a Chromium, for the tests of one file. */
export function useStartedSystem(name: string, opts: { demo?: boolean } = {}): Started {
  let system: Proc | undefined;
  const started = { base: '', mqttUrl: '', browser: undefined as unknown as Browser, adminPassword: () => demoAdminPassword(system!.output()) };
  beforeAll(async () => {
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    started.base = `http://127.0.0.1:${httpPort}`;
    started.mqttUrl = `mqtt://127.0.0.1:${mqttPort}`;
    system = okienko(['start'], {
      OKIENKO_HTTP_PORT: String(httpPort),
      OKIENKO_MQTT_PORT: String(mqttPort),
      OKIENKO_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), `okienko-${name}-`)),
      OKIENKO_AWAY_COMMIT_MS: '600',
      // The living demo only where a test asks for it: its clerks would press into the others'.
      OKIENKO_DEMO: String(opts.demo ?? false),
    });
    await waitFor(() => system!.output().includes('okienko is running'), { timeoutMs: 30_000, what: `okienko start; output: ${system!.output()}` });
    started.browser = await launchChromium();
  });
  afterAll(async () => {
    await started.browser?.close();
    system?.child.kill('SIGINT');
    await system?.exited;
  });
  return started;
}

/** axe-core's WCAG 2.1 A/AA rules in the page; what it finds serious or critical. */
export async function seriousViolations(page: Page): Promise<{ id: string; impact: string; targets: string[] }[]> {
  // Evaluated through the debugging protocol, not added as a <script>: a page under a strict
  // Content-Security-Policy (no inline scripts) refuses the tag, and axe must run there too.
  await page.evaluate(fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<{ violations: { id: string; impact: string; nodes: { target: unknown }[] }[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
