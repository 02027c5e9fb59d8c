import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { AlertView, type CounterStatus, type CounterView, type Substitute } from '@okienko/protocol';
import { SqliteStore, startBridge, type Bridge } from '@okienko/broker-bridge';
import { CounterDevice, Schedule, counterDeviceOptions, machineConfig, type AwayPreset, type RosterEntry } from '@okienko/device';
import { SimulatedHardware, type ButtonId } from '@okienko/hardware';
import { signInAsNewAdmin, type Api } from './session.ts';
import { startMosquitto, type Mosquitto } from './mosquitto.ts';
import { waitFor } from './net.ts';

/**
 * An office on one clock the test moves: a real Mosquitto, the real bridge on an in-process
 * SQLite store, and counters (the real device runtime on the simulated driver) pressed as people
 * press them. Every part reads the same `now`; nothing reads the machine's date.
 *
 * The counters' tickers run on real time (every 20 ms) and read the moved clock, so when the test
 * moves the clock past opening time or an away choice's pause, the next tick acts on it, as on a
 * Pi. `settle()` waits until the bridge has stored and shown what every running counter did.
 */

export const ZONE = 'Europe/Warsaw';
export const MIN = 60_000;
export const HOURS = { mon: ['08:00', '16:00'], tue: ['08:00', '16:00'], wed: ['08:00', '16:00'], thu: ['08:00', '16:00'], fri: ['08:00', '16:00'] } as const;
/** The order a clerk steps through with the away button (the first press shows the first). */
export const PRESETS: readonly AwayPreset[] = [
  { reason: 'short', minutes: 5 },
  { reason: 'break', minutes: 15 },
  { reason: 'errand', minutes: 30 },
  { reason: 'end_of_day', minutes: null },
];

export interface Person {
  badge: string;
  id: string;
  name: string;
}

/** What the test says each counter's status was from when: the bridge's report must agree. */
export type Timeline = { at: number; status: CounterStatus }[];

export class SimCounter {
  hw = new SimulatedHardware({ cols: 32, rows: 6 });
  device: CounterDevice | null = null;
  synced = true;
  readonly timeline: Timeline = [];

  constructor(
    readonly office: Office,
    readonly id: string,
    readonly substitute: Substitute,
  ) {}

  get running(): CounterDevice {
    if (!this.device) throw new Error(`${this.id} is not running`);
    return this.device;
  }

  get status(): CounterStatus {
    return this.running.machineState.status;
  }

  async boot(): Promise<void> {
    const o = this.office;
    const device = CounterDevice.open(
      counterDeviceOptions(
        { ref: { site: o.site, counter: this.id }, dataDir: path.join(o.dir, this.id), url: o.mosq.url },
        {
          machine: machineConfig({ presets: PRESETS, roster: o.roster, substitute: this.substitute }),
          timeZone: ZONE,
          schedule: Schedule.parse({ hours: HOURS }),
          tickMs: 20,
          link: { reconnectMinMs: 100, reconnectMaxMs: 500, peers: true },
        },
      ),
      this.hw,
      { now: () => o.now, synced: () => this.synced },
      pino({ level: 'silent' }),
    );
    this.device = device;
    await device.start();
    await o.settle(); // what it says as it connects is dated now, not when the test next moves the clock
  }

  /** A clean stop: its outbox drained and "offline" said (systemd stopping it, a reboot). */
  async shutDown(): Promise<void> {
    await this.device?.stop();
    this.device = null;
    await this.office.settle();
  }

  /** Expect the counter in this status from now (after the action that makes it so). */
  async becomes(status: CounterStatus): Promise<void> {
    await waitFor(() => this.device?.machineState.status === status, { what: () => `${this.id} ${status} (is ${this.device?.machineState.status})` });
    this.timeline.push({ at: this.running.machineState.since, status });
  }

  async badge(p: Person): Promise<void> {
    await this.hw.presentBadge(p.badge);
  }

  async press(button: ButtonId): Promise<void> {
    await this.hw.press(button);
  }

  /** Serve one resident, who votes on the way out. */
  async serve(face: number | null): Promise<void> {
    await this.press('clerk');
    await this.becomes('serving');
    this.office.now += 4 * MIN;
    await this.press('clerk');
    await this.becomes('available');
    if (face !== null) await this.press(`face-${face}` as ButtonId);
  }

  /** Step away with the n-th preset: n presses, then the pause that confirms it. */
  async stepAway(preset: number): Promise<void> {
    for (let i = 0; i <= preset; i++) await this.press('away');
    this.office.now += this.office.awayCommitMs;
    const p = PRESETS[preset]!;
    await this.becomes('minutes' in p && p.minutes === null ? 'closed' : 'away');
  }

  async comeBack(): Promise<void> {
    await this.press('clerk');
    await this.becomes('available');
  }
}

export class Office {
  readonly awayCommitMs = machineConfig().awayCommitMs;
  readonly counters: SimCounter[] = [];

  private constructor(
    readonly site: string,
    readonly dir: string,
    readonly mosq: Mosquitto,
    readonly bridge: Bridge,
    readonly api: Api,
    readonly roster: Record<string, RosterEntry>,
    private readonly clock: { now: number },
  ) {}

  /** The one clock of the bridge and every counter. */
  get now(): number {
    return this.clock.now;
  }

  set now(ms: number) {
    if (ms < this.clock.now) throw new Error(`the office's clock does not go back (${new Date(ms).toISOString()})`);
    this.clock.now = ms;
  }

  static async open(site: string, people: readonly Person[], start: number): Promise<Office> {
    const clock = { now: start };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-day-'));
    const mosq = await startMosquitto();
    const bridge = await startBridge({
      mqtt: { url: mosq.url, protocolVersion: 4, clientId: 'okienko-bridge-day' },
      store: new SqliteStore(path.join(dir, 'bridge.db')),
      http: { host: '127.0.0.1', port: 0 },
      timeZone: ZONE,
      log: pino({ level: 'silent' }),
      now: () => clock.now,
      alertChecks: 'manual', // the rules run at the steps the script takes, after the bridge has caught up
    });
    const api = await signInAsNewAdmin(bridge.url, bridge.store);
    const roster = Object.fromEntries(people.map((p) => [p.badge, { id: p.id, name: p.name }]));
    return new Office(site, dir, mosq, bridge, api, roster, clock);
  }

  add(id: string, substitute: Substitute): SimCounter {
    const c = new SimCounter(this, id, substitute);
    this.counters.push(c);
    return c;
  }

  /** Until the bridge has stored and shows what every running counter did and said. */
  async settle(): Promise<CounterView[]> {
    let last: CounterView[] = [];
    await waitFor(
      async () => {
        last = await this.api.json<CounterView[]>('/api/counters');
        return this.counters.every((c) => {
          const v = last.find((x) => x.counter === c.id);
          if (!c.device) return v ? !v.online : true;
          const s = c.device.counterState();
          return v && v.online && c.device.outbox.size === 0 && v.seq === s.seq && v.lastStatus === s.status && (v.clerk?.id ?? null) === (s.clerk?.id ?? null);
        });
      },
      { what: () => `the bridge to show every counter as it is: ${JSON.stringify(last.map((v) => [v.counter, v.online, v.lastStatus, v.seq]))}` },
    );
    return last;
  }

  /** Settle, run the alert rules, and say which alerts are open ("kind counter"). */
  async openAlerts(): Promise<string[]> {
    await this.settle();
    await this.bridge.alerts.check();
    const open = AlertView.array().parse(await this.api.json('/api/alerts?open=true&limit=100'));
    return open.map((a) => `${a.kind}${a.counter ? ` ${a.counter}` : ''}`).sort();
  }

  async allAlerts(): Promise<AlertView[]> {
    return AlertView.array().parse(await this.api.json('/api/alerts?limit=500')).reverse();
  }

  async close(): Promise<void> {
    for (const c of this.counters) await c.shutDown();
    await this.bridge.close();
    await this.mosq.stop();
  }
}

/** Milliseconds in each state between from and to, from the test's own timelines (not the product's code). */
export function expectedTimes(t: Timeline, from: number, to: number): Record<'available' | 'serving' | 'away' | 'closed', number> {
  const out = { available: 0, serving: 0, away: 0, closed: 0 };
  const sorted = [...t].sort((a, b) => a.at - b.at);
  for (let i = 0; i < sorted.length; i++) {
    const start = Math.max(sorted[i]!.at, from);
    const end = Math.min(sorted[i + 1]?.at ?? to, to);
    if (end > start) out[sorted[i]!.status] += end - start;
  }
  return out;
}
