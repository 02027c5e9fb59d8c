import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { demoCounters } from '@okienko/sim';
import type { Health, PanelView, SimFleetRow } from '@okienko/protocol';
import { freePort, waitFor } from './net.ts';
import { okienko, type Proc } from './okienko.ts';
import { signInWithCli, type Api } from './session.ts';

/**
 * The fault suite's parts: simulated counters as a process of their own (the real device runtime,
 * each with its own outbox on disk), a bridge process, a TCP link the test can cut, and the count
 * at the end — what the counters confirmed against what the store holds.
 */

const BUTTONS = ['face-1', 'face-2', 'face-3', 'face-4', 'clerk'] as const;

export class CounterFleet {
  readonly refs: { site: string; counter: string }[];
  /** Per counter, the highest sequence number a press was confirmed with (HTTP 200 from the panel). */
  readonly confirmed = new Map<string, number>();
  readonly dir: string;
  proc: Proc | null = null;
  private baseUrl = '';
  presses = 0;
  failedPresses = 0;

  constructor(
    private readonly opts: { mqttUrl: string; counters: number; keepaliveS?: number; env?: NodeJS.ProcessEnv; dir?: string },
  ) {
    this.refs = demoCounters(opts.counters).map((c) => c.ref);
    this.dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-faults-'));
  }

  /** Start (or restart, after a kill) the counters' process; resolves when every counter is connected. */
  async start(opts: { waitForLink?: boolean } = {}): Promise<void> {
    const port = await freePort();
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.proc = okienko(
      ['sim', '--mqtt-url', this.opts.mqttUrl, '--counters', String(this.opts.counters), '--data-dir', this.dir, '--http-port', String(port), '--keepalive', String(this.opts.keepaliveS ?? 2), '--away-commit-ms', '300'],
      this.opts.env,
    );
    // Ready once it says so (its counters exist), then connected unless told not to wait.
    const proc = this.proc;
    await waitFor(async () => proc.output().includes('okienko sim:') && ((await this.rows().catch(() => null))?.every((v) => v.linkUp || opts.waitForLink === false) ?? false), {
      // Generous: on two busy cores (CI runs two test files at once) a start has taken over 30 s.
      timeoutMs: 90_000,
      what: () => `${this.opts.counters} simulated counters up; output: ${proc.output()}`,
    });
  }

  /** Power cut: SIGKILL, nothing flushed, nothing said. */
  async kill(): Promise<void> {
    this.proc?.child.kill('SIGKILL');
    await this.proc?.exited;
    this.proc = null;
  }

  async stop(): Promise<void> {
    if (this.proc) await stopWithin(this.proc, 'simulated counters');
    this.proc = null;
  }

  /** http://127.0.0.1:<port> of the counters' panels. */
  base(): string {
    return this.baseUrl;
  }

  /** Every counter's numbers in one request (`/sim/api/fleet`). */
  async rows(): Promise<SimFleetRow[]> {
    return (await fetch(`${this.baseUrl}/sim/api/fleet`)).json() as Promise<SimFleetRow[]>;
  }

  /** Each counter's whole panel (its display, light…), one request per counter. */
  views(): Promise<PanelView[]> {
    return Promise.all(this.refs.map(async (r) => (await (await fetch(`${this.baseUrl}/sim/api/${r.site}/${r.counter}`)).json()) as PanelView));
  }

  /** One press on a counter's panel; counts it as confirmed only on the panel's 200. */
  async press(ref: { site: string; counter: string }, button: string): Promise<void> {
    this.presses++;
    try {
      const res = await fetch(`${this.baseUrl}/sim/api/${ref.site}/${ref.counter}/press`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ button }) });
      if (!res.ok) {
        this.failedPresses++;
        return;
      }
      const { lastSeq } = (await res.json()) as { lastSeq: number };
      const key = `${ref.site}/${ref.counter}`;
      this.confirmed.set(key, Math.max(this.confirmed.get(key) ?? 0, lastSeq));
    } catch {
      this.failedPresses++; // the process is down (killed on purpose): not confirmed
    }
  }

  /**
   * Presses on every counter in turn, `perSecond` in all, until `stop` resolves. Faces and the
   * clerk's free/serving toggle: state changes and votes, as at a real desk.
   */
  async stream(perSecond: number, stop: Promise<unknown>): Promise<void> {
    let running = true;
    void stop.then(() => (running = false));
    let i = 0;
    const gapMs = 1000 / perSecond;
    while (running) {
      const ref = this.refs[i % this.refs.length]!;
      void this.press(ref, BUTTONS[Math.floor(i / this.refs.length) % BUTTONS.length]!);
      i++;
      await new Promise((r) => setTimeout(r, gapMs));
    }
  }
}

/** SIGTERM, as systemd stops a service; a process that has not exited after 15 s is a defect, said loudly. */
export async function stopWithin(proc: Proc, what: string, ms = 15_000): Promise<void> {
  proc.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = await Promise.race([proc.exited.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), ms)))]);
  clearTimeout(timer);
  if (!late) return;
  proc.child.kill('SIGKILL');
  await proc.exited;
  throw new Error(`${what} did not stop within ${ms} ms of SIGTERM; output: ${proc.output().slice(-2000)}`);
}

/** A bridge as its own process on a store URL, with a signed-in API session. */
export class BridgeProc {
  proc: Proc | null = null;
  api!: Api;
  readonly base: string;

  private constructor(
    private readonly args: string[],
    port: number,
    private readonly env: NodeJS.ProcessEnv = {},
  ) {
    this.base = `http://127.0.0.1:${port}`;
  }

  static async start(opts: { mqttUrl: string; store: string; clientId: string; extra?: string[]; env?: NodeJS.ProcessEnv }): Promise<BridgeProc> {
    const port = await freePort();
    const b = new BridgeProc(['bridge', '--mqtt-url', opts.mqttUrl, '--store', opts.store, '--http-port', String(port), '--client-id', opts.clientId, ...(opts.extra ?? [])], port, opts.env ?? {});
    await b.start();
    b.api = await signInWithCli(b.base, opts.store);
    return b;
  }

  async start(): Promise<void> {
    this.proc = okienko(this.args, this.env);
    await waitFor(async () => (await this.health().catch(() => null))?.mqtt === 'connected', { timeoutMs: 20_000, what: `bridge up; output: ${this.proc.output()}` });
  }

  health(): Promise<Health> {
    return fetch(`${this.base}/api/health`).then((r) => r.json() as Promise<Health>);
  }

  async kill(): Promise<void> {
    this.proc?.child.kill('SIGKILL');
    await this.proc?.exited;
  }

  async stop(): Promise<void> {
    if (this.proc) await stopWithin(this.proc, 'bridge');
  }
}


export interface DeliveryCount {
  counters: number;
  /** Events the counters' outboxes numbered (every confirmed press is among them). */
  confirmed: number;
  stored: number;
  lost: number;
  doubled: number;
  /** Presses answered 200 whose number the counter no longer has (its outbox lost them). */
  forgotten: number;
}

/**
 * What the counters confirmed against what the store holds. Each counter numbers its events
 * 1, 2, 3… as it writes them to its outbox, and its outbox keeps the last number across power
 * cuts: every number up to it must be stored exactly once.
 */
export async function countDelivery(fleet: CounterFleet, api: Api): Promise<DeliveryCount> {
  const views = await fleet.rows();
  const count: DeliveryCount = { counters: views.length, confirmed: 0, stored: 0, lost: 0, doubled: 0, forgotten: 0 };
  for (const v of views) {
    const key = `${v.site}/${v.counter}`;
    const events = await api.json<{ seq: number }[]>(`/api/events?site=${v.site}&counter=${v.counter}&limit=10000`);
    const seqs = events.map((e) => e.seq);
    const unique = new Set(seqs);
    count.confirmed += v.lastSeq;
    count.stored += seqs.length;
    count.doubled += seqs.length - unique.size;
    for (let s = 1; s <= v.lastSeq; s++) if (!unique.has(s)) count.lost++;
    if ((fleet.confirmed.get(key) ?? 0) > v.lastSeq) count.forgotten += (fleet.confirmed.get(key) ?? 0) - v.lastSeq;
  }
  return count;
}

/** Wait until every counter's outbox is empty and the store holds as many as they numbered. */
export async function drained(fleet: CounterFleet, api: Api, timeoutMs = 60_000): Promise<DeliveryCount> {
  let last: DeliveryCount | null = null;
  await waitFor(
    async () => {
      const views = await fleet.rows();
      if (views.some((v) => !v.linkUp || v.pendingEvents > 0)) return false;
      last = await countDelivery(fleet, api);
      return last.stored >= last.confirmed;
    },
    { timeoutMs, what: () => `the counters' outboxes drained and stored; last count ${JSON.stringify(last)}` },
  );
  return last!;
}

/** Print a scenario's count, as the issue asks (one line a person can read in CI's log). */
export function report(scenario: string, c: DeliveryCount, extra: Record<string, unknown> = {}): void {
  process.stdout.write(`[faults] ${scenario}: ${JSON.stringify({ ...c, ...extra })}\n`);
}

/**
 * A TCP link the test controls between counters and the broker. `cut()` is a cable pulled:
 * nothing passes either way and no one is told (no FIN, no RST); connections made meanwhile
 * hang too. `restore()` plugs it back: the dead connections are dropped, new ones pass.
 */
export async function startLink(target: { host: string; port: number }): Promise<{ port: number; url: string; cut(): void; restore(): void; close(): Promise<void> }> {
  let up = true;
  const pairs = new Set<{ a: net.Socket; b: net.Socket | null }>();
  const server = net.createServer((a) => {
    const pair: { a: net.Socket; b: net.Socket | null } = { a, b: null };
    pairs.add(pair);
    a.on('error', () => {});
    // While cut, an end on one side is not heard on the other either (a pulled cable carries no FIN).
    a.on('close', () => {
      if (!up) return;
      pair.b?.destroy();
      pairs.delete(pair);
    });
    if (!up) return; // a connection while cut: accepted by no one, it just hangs
    const b = net.connect(target.port, target.host);
    pair.b = b;
    b.on('error', () => up && a.destroy());
    b.on('close', () => up && a.destroy());
    a.on('data', (d) => up && b.write(d));
    b.on('data', (d) => up && a.write(d));
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    cut: () => {
      up = false;
    },
    restore: () => {
      for (const p of pairs) {
        p.a.destroy();
        p.b?.destroy();
      }
      pairs.clear();
      up = true;
    },
    close: async () => {
      for (const p of pairs) {
        p.a.destroy();
        p.b?.destroy();
      }
      await new Promise((r) => server.close(r));
    },
  };
}
