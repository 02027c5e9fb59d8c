import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { CounterDevice, counterDeviceOptions, machineConfig, type Clock } from '@okienko/device';
import { SimulatedHardware } from '@okienko/hardware';
import { DemoActivity, demoCounters, demoHistory, seededRandom, type SimCounter } from '@okienko/sim';
import { alertConditions } from '../../broker-bridge/alerts/rules.ts';
import type { CounterStatus, CounterView } from '@okienko/protocol';

// Tuesday 01.12.2026, 10:00 in Warsaw.
const T0 = Date.parse('2026-12-01T09:00:00Z');
const specs = demoCounters(6);
let devices: CounterDevice[] = [];
afterEach(async () => {
  await Promise.all(devices.map((d) => d.stop()));
  devices = [];
});

/** The demo's six counters on the real device runtime, on a clock the test moves; no broker (the link stays down). */
function office(clock: Clock, resume: boolean): SimCounter[] {
  const history = demoHistory({ counters: specs, now: T0, timeZone: 'Europe/Warsaw', seed: 5, days: 3 });
  const roster = Object.fromEntries(specs.map((s) => [s.badge, s.clerk]));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-activity-'));
  return specs.map((spec) => {
    const key = `${spec.ref.site}/${spec.ref.counter}`;
    const hardware = new SimulatedHardware({ cols: 32, rows: 6 });
    const device = CounterDevice.open(
      counterDeviceOptions(
        { ref: spec.ref, dataDir: path.join(dir, key), url: 'mqtt://127.0.0.1:1' },
        {
          machine: machineConfig({ awayCommitMs: 4000, substitute: spec.substitute, roster }),
          clerk: spec.clerk,
          tickMs: 3_600_000, // ticked by the test
          outbox: { fsync: 'never', startAfter: history.lastSeq[key]! },
          resume: resume ? history.resume[key] : undefined,
          link: { reconnectMinMs: 3_600_000, reconnectMaxMs: 3_600_000 },
        },
      ),
      hardware,
      clock,
      pino({ level: 'silent' }),
    );
    devices.push(device);
    return { spec, hardware, device };
  });
}

/** How the bridge would see each counter (online, clock synchronised), for the real alert rules. */
function views(counters: SimCounter[], now: number): CounterView[] {
  return counters.map(({ spec, device }) => {
    const s = device.counterState();
    return { ...spec.ref, status: s.status, lastStatus: s.status, online: true, clerk: s.clerk, since: s.since, notice: s.notice, seq: s.seq, scale: s.scale, lastSeen: now, panelUrl: null, version: null, feedbackToday: {}, health: null, clockSynced: true, inHours: null };
  });
}

/** Runs the office second by second on the fake clock, as the alert engine would check it. */
async function run(counters: SimCounter[], activity: DemoActivity, clock: { now(): number; advance(ms: number): void }, seconds: number) {
  const alerts = new Map<string, { kind: string; raisedAt: number; clearedAt: number | null }>();
  const states = new Map<string, Set<CounterStatus>>();
  for (let i = 0; i < seconds; i++) {
    clock.advance(1000);
    for (const c of counters) await c.device.input({ type: 'tick' });
    await activity.step();
    const now = clock.now();
    const holding = alertConditions(views(counters, now), new Map(), now);
    for (const a of holding) if (!alerts.has(a.key)) alerts.set(a.key, { kind: a.kind, raisedAt: now, clearedAt: null });
    for (const [key, a] of alerts) if (a.clearedAt === null && !holding.some((h) => h.key === key)) a.clearedAt = now;
    for (const c of counters) {
      const key = `${c.spec.ref.site}/${c.spec.ref.counter}`;
      states.set(key, (states.get(key) ?? new Set()).add(c.device.machineState.status));
    }
  }
  return { alerts: [...alerts.values()], states };
}

function manualClock(start: number): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => now, synced: () => true, advance: (ms) => (now += ms) };
}

describe('the demo office at work', () => {
  it('raises the late clerk\'s alert at once and clears it within the first minute', async () => {
    const clock = manualClock(T0);
    const counters = office(clock, true);
    for (const d of devices) await d.start();
    const activity = new DemoActivity({ counters, random: seededRandom(1), now: clock.now });
    const { alerts, states } = await run(counters, activity, clock, 60);
    const overdue = alerts.filter((a) => a.kind === 'away_overdue');
    expect(overdue).toHaveLength(1);
    expect(overdue[0]!.raisedAt).toBe(T0 + 1000);
    expect(overdue[0]!.clearedAt).not.toBeNull();
    expect(overdue[0]!.clearedAt! - T0).toBeLessThanOrEqual(60_000);
    // Every counter moved in that minute: the board is alive at once.
    for (const seen of states.values()) expect(seen.size).toBeGreaterThan(1);
    await activity.stop();
  });

  it('serves, votes, steps away and comes back, late now and then: overdue alerts come and go, again and again', async () => {
    const clock = manualClock(T0);
    const counters = office(clock, false);
    for (const d of devices) await d.start();
    const activity = new DemoActivity({ counters, random: seededRandom(2), now: clock.now });
    const { alerts, states } = await run(counters, activity, clock, 3 * 3600);
    for (const seen of states.values()) expect([...seen].sort()).toEqual(['available', 'away', 'serving']);
    const overdue = alerts.filter((a) => a.kind === 'away_overdue');
    expect(overdue.length).toBeGreaterThanOrEqual(2);
    for (const a of overdue.slice(0, -1)) expect(a.clearedAt).not.toBeNull();
    // Residents voted, with every face in use; their votes went through the counters' outboxes.
    const votes = counters.flatMap((c) => c.device.outbox.pending().filter((e) => e.type === 'feedback'));
    expect(votes.length).toBeGreaterThan(100);
    expect(new Set(votes.map((v) => (v.type === 'feedback' ? v.face : 0)))).toEqual(new Set([1, 2, 3, 4]));
    // Each counter numbers its events on from the history's last one.
    for (const c of counters) expect(c.device.outbox.pending()[0]!.seq).toBeGreaterThan(100);
    await activity.stop();
  });

  it('leaves a counter a person pressed alone for three minutes, then takes it up again — each time', async () => {
    const clock = manualClock(T0);
    const counters = office(clock, false);
    for (const d of devices) await d.start();
    const activity = new DemoActivity({ counters, random: seededRandom(3), now: clock.now });
    const mine = counters[0]!;
    const key = 'ratusz/okienko-1';
    for (let round = 0; round < 2; round++) {
      await run(counters, activity, clock, 30);
      // A person makes the counter serve and then watches it.
      if (mine.device.machineState.status !== 'available') await mine.hardware.press('clerk');
      if (mine.device.machineState.status !== 'available') await mine.hardware.press('clerk');
      await mine.hardware.press('clerk');
      expect(mine.device.machineState.status).toBe('serving');
      const pressesByPerson = mine.hardware.snapshot().presses;
      expect(activity.pausedFor(key)).toBe(true);
      await run(counters, activity, clock, 170);
      expect(mine.device.machineState.status).toBe('serving');
      expect(mine.hardware.snapshot().presses).toBe(pressesByPerson);
      // Past three minutes the demo's clerk finishes the service.
      await run(counters, activity, clock, 130);
      expect(activity.pausedFor(key)).toBe(false);
      expect(mine.hardware.snapshot().presses).toBeGreaterThan(pressesByPerson);
    }
    await activity.stop();
  });
});
