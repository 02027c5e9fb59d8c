import path from 'node:path';
import mqtt from 'mqtt';
import type { Logger } from 'pino';
import { counterTopic, newEventId, type Availability, type CounterEvent, type CounterState } from '@okienko/protocol';
import { SqliteStore, createUser, startBridge } from '@okienko/broker-bridge';
import { DASHBOARD_DIST, buildDashboard } from '@okienko/dashboard';
import { launchChromium } from '../test/helpers/browser.ts';
import { signInPage } from '../test/helpers/session.ts';
import { figure, percentile, type Figure } from './stats.ts';

const SITES = 10;
const PER_SITE = 100;
const CLERK = { id: 'k', name: 'Anna Nowak' };

/**
 * Injected before the board's own script. Each `counter` message is stamped as it arrives; the
 * change is on screen when its card shows the new state and the page is laid out again (a
 * MutationObserver on `data-status`, then a forced layout: the last step before the paint).
 * The floor, per message, in the same page: one attribute changed on one element and laid out.
 * The longest frame is the longest gap between animation frames (the browser runs in the
 * foreground: frames at full rate).
 */
const INSTRUMENT = `
  window.__arrivals = new Map(); window.__samples = []; window.__floor = []; window.__longest = 0; window.__measuring = false;
  const Native = window.EventSource;
  window.EventSource = class extends Native {
    constructor(url, init) {
      super(url, init);
      this.addEventListener('counter', (e) => {
        if (!window.__measuring) return;
        const c = JSON.parse(e.data);
        const t = performance.now();
        window.__arrivals.set(c.site + '/' + c.counter + ':' + c.status, t);
        const probe = document.getElementById('bench-probe') || document.body.appendChild(Object.assign(document.createElement('i'), { id: 'bench-probe' }));
        probe.dataset.status = c.status;
        probe.getBoundingClientRect();
        window.__floor.push(performance.now() - t);
      });
    }
  };
  new MutationObserver((list) => {
    for (const m of list) {
      const el = m.target;
      if (m.attributeName !== 'data-status' || !el.dataset || !el.dataset.counter) continue;
      const key = el.dataset.counter + ':' + el.dataset.status;
      const t = window.__arrivals.get(key);
      if (t === undefined) continue;
      window.__arrivals.delete(key);
      el.getBoundingClientRect();
      window.__samples.push(performance.now() - t);
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-status'] });
  let last = performance.now();
  const frame = (t) => { if (window.__measuring) window.__longest = Math.max(window.__longest, t - last); last = t; requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
`;

export async function boardFigures(url: string, dir: string, log: Logger, opts = { changesPerSecond: 100, seconds: 10 }): Promise<Figure[]> {
  await buildDashboard();
  const store = new SqliteStore(path.join(dir, 'board.db'), { synchronous: 'NORMAL' });
  const bridge = await startBridge({
    mqtt: { url, protocolVersion: 4, clientId: `bench-board-${process.pid}` },
    store,
    http: { host: '127.0.0.1', port: 0 },
    timeZone: 'Europe/Warsaw',
    dashboardDir: DASHBOARD_DIST,
    log,
  });
  const pub = await mqtt.connectAsync(url, { clientId: `bench-board-pub-${process.pid}` });
  const browser = await launchChromium({ foreground: true });
  try {
    const refs = Array.from({ length: SITES * PER_SITE }, (_, i) => ({ site: `site-${Math.floor(i / PER_SITE)}`, counter: `c-${i % PER_SITE}` }));
    const now = Date.now();
    await Promise.all(
      refs.flatMap((ref) => {
        const online: Availability = { v: 1, ...ref, status: 'online', bootId: 'bench', at: now };
        const state: CounterState = { v: 1, ...ref, status: 'available', since: now, clerk: CLERK, notice: null, seq: 0, at: now, clockSynced: true, scale: 4 };
        return [
          pub.publishAsync(counterTopic(ref, 'availability'), JSON.stringify(online), { qos: 1, retain: true }),
          pub.publishAsync(counterTopic(ref, 'state'), JSON.stringify(state), { qos: 1, retain: true }),
        ];
      }),
    );
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.addInitScript(INSTRUMENT);
    const password = await createUser(store, 'bench-board', 'viewer');
    await signInPage(page, bridge.url, 'bench-board', password);
    // Other parts of the bench leave retained counters on the broker: count ours.
    await page.waitForFunction((n) => document.querySelectorAll('article.card[data-counter^="site-"]').length === n, refs.length, { timeout: 60_000 });
    await page.evaluate(() => ((window as unknown as { __measuring: boolean }).__measuring = true));

    // 100 state changes a second, each to a random counter, free ⇄ serving.
    const seq = new Map<string, number>();
    const status = new Map<string, 'available' | 'serving'>();
    const total = opts.changesPerSecond * opts.seconds;
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / opts.changesPerSecond;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const ref = refs[Math.floor(Math.random() * refs.length)]!;
      const key = `${ref.site}/${ref.counter}`;
      const from = status.get(key) ?? 'available';
      const to = from === 'available' ? 'serving' : 'available';
      status.set(key, to);
      seq.set(key, (seq.get(key) ?? 0) + 1);
      const e: CounterEvent = { v: 1, ...ref, id: newEventId(Date.now()), seq: seq.get(key)!, at: Date.now(), clockSynced: true, bootId: 'bench', type: 'state_changed', from, to, clerk: CLERK, notice: null, cause: 'clerk' };
      pub.publish(counterTopic(ref, 'event'), JSON.stringify(e), { qos: 1 });
    }
    await new Promise((r) => setTimeout(r, 2000));
    const r = await page.evaluate(() => {
      const w = window as unknown as { __samples: number[]; __floor: number[]; __longest: number; __measuring: boolean };
      w.__measuring = false;
      return { samples: w.__samples, floor: w.__floor, longest: w.__longest };
    });
    if (r.samples.length < total * 0.9) throw new Error(`bench: only ${r.samples.length} of ${total} changes reached the screen`);
    const floorIs = "in the same page, per message: one attribute changed on one element and the page laid out";
    const at = `${refs.length} counters, ${opts.changesPerSecond} changes/s, Chromium`;
    return [
      figure({ figure: `board: change arriving → on screen p50, ${at}`, unit: 'ms', ours: percentile(r.samples, 50), floor: percentile(r.floor, 50), floorIs }),
      figure({ figure: `board: change arriving → on screen p99, ${at}`, unit: 'ms', ours: percentile(r.samples, 99), floor: percentile(r.floor, 99), floorIs }),
      figure({ figure: `board: longest frame while changes arrive, ${at}`, unit: 'ms', ours: r.longest, floor: 1000 / 60, floorIs: 'one frame at 60 Hz', note: `${r.samples.length} of ${total} changes seen on screen` }),
    ];
  } finally {
    await browser.close();
    await pub.endAsync();
    await bridge.close();
  }
}
