import type { ButtonId } from '@okienko/hardware';
import { between, weighted, type Random } from './random.ts';
import type { SimCounter } from './fleet.ts';

/**
 * The demo office at work: each simulated clerk serves residents (free ⇄ serving), steps away
 * now and then and comes back — usually on time, sometimes late enough for an `away_overdue`
 * alert to come and go — and residents vote after being served. Everything goes through the
 * counter's own buttons and badge reader, as a person at the panel does; it is one believable
 * office, not a load (that is load.ts).
 *
 * A person pressing at a counter wins: the counter is left alone for `humanPauseMs` after their
 * last press or badge. Its clock and its chance are injected, so a test runs an hour in a moment.
 */
export interface DemoActivityOptions {
  counters: readonly Pick<SimCounter, 'spec' | 'hardware' | 'device'>[];
  random: Random;
  now?: () => number;
  /** How long a counter is left alone after a person pressed at it (default 3 minutes). */
  humanPauseMs?: number;
}

type Action = 'serve' | 'finish' | 'vote' | 'away' | 'return' | 'sign_in';
interface Plan {
  at: number;
  action: Action;
  /** A vote's face, or how many presses of "away" pick the preset. */
  n?: number;
}

interface Clerk {
  counter: DemoActivityOptions['counters'][number];
  plan: Plan | null;
  pausedUntil: number;
  /** Presses of our own in flight: their edges are not a person's. */
  pressing: number;
  profile: readonly number[];
}

const S = 1000;
/** Votes per face (1 = unhappiest … 4 = happiest), a spread per clerk as in the history. */
const PROFILES = [
  [0.04, 0.08, 0.33, 0.55],
  [0.08, 0.14, 0.4, 0.38],
  [0.02, 0.05, 0.25, 0.68],
  [0.12, 0.2, 0.38, 0.3],
];
/** "away" pressed once: back in 5 minutes; twice: 15; four times: a 15-minute break (the default presets). */
const AWAY_CHOICES = [1, 1, 1, 2, 2, 4];

export class DemoActivity {
  private readonly clerks: Clerk[];
  private readonly now: () => number;
  private readonly pauseMs: number;
  private readonly offs: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly opts: DemoActivityOptions) {
    this.now = opts.now ?? Date.now;
    this.pauseMs = opts.humanPauseMs ?? 3 * 60 * S;
    this.clerks = opts.counters.map((counter, i) => ({ counter, plan: null, pausedUntil: 0, pressing: 0, profile: PROFILES[i % PROFILES.length]! }));
    for (const c of this.clerks) {
      const person = (): void => {
        if (c.pressing > 0) return;
        c.pausedUntil = this.now() + this.pauseMs;
        c.plan = null;
      };
      this.offs.push(c.counter.hardware.buttons.onEdge(person));
      const offBadge = c.counter.hardware.badge?.onBadge(person);
      if (offBadge) this.offs.push(offBadge);
    }
  }

  /** Act every `periodMs` on the real clock (what `okienko start` does). */
  start(periodMs = 500): this {
    this.timer = setInterval(() => void this.step(), periodMs);
    return this;
  }

  stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const off of this.offs.splice(0)) off();
    return this.running;
  }

  /** Whether a person pressed at this counter lately (then the demo leaves it alone). */
  pausedFor(key: string): boolean {
    const c = this.clerks.find((x) => `${x.counter.spec.ref.site}/${x.counter.spec.ref.counter}` === key);
    return !!c && c.pausedUntil > this.now();
  }

  /** Do what is due now, one step at a time (a step never overlaps the previous one). */
  step(): Promise<void> {
    this.running = this.running.then(() => this.act()).catch(() => {});
    return this.running;
  }

  private async act(): Promise<void> {
    for (const c of this.clerks) {
      const now = this.now();
      if (c.pausedUntil > now) continue;
      c.plan ??= this.plan(c, now);
      if (!c.plan || c.plan.at > now) continue;
      const plan = c.plan;
      c.plan = null;
      await this.perform(c, plan).catch(() => {}); // a full outbox refuses, as it does a person
      c.plan = this.plan(c, this.now(), plan);
    }
  }

  /** What this clerk does next, and when, from where the counter stands. */
  private plan(c: Clerk, now: number, last?: Plan): Plan | null {
    const s = c.counter.device.machineState;
    const r = this.opts.random;
    // Nobody signed in (a counter then shows closed): the clerk comes and badges in.
    if (!s.clerk && (s.status !== 'closed' || s.closedBy === 'vacant')) return { at: now + between(r, 3, 10) * S, action: 'sign_in' };
    if (s.status === 'closed') return null; // closed by a manager or for the day: not ours to open
    if (s.awaySelection) return null; // a choice is being made; the counter commits it by itself
    switch (s.status) {
      case 'serving':
        return { at: now + between(r, 20, 100) * S, action: 'finish' };
      case 'away': {
        const backAt = s.notice?.backAt ?? now;
        if (backAt <= now) return { at: now + between(r, 20, 40) * S, action: 'return' };
        // A quarter come back late: past the two minutes' grace, so the overdue alert shows.
        const late = r() < 0.25;
        return { at: late ? backAt + between(r, 150, 330) * S : backAt - between(r, 0, 60) * S, action: 'return' };
      }
      case 'available':
        if (last?.action === 'finish' && r() < 0.65) return { at: now + between(r, 3, 8) * S, action: 'vote', n: weighted(r, c.profile) + 1 };
        if (last && r() < 0.1) return { at: now + between(r, 5, 20) * S, action: 'away', n: AWAY_CHOICES[Math.floor(r() * AWAY_CHOICES.length)]! };
        // The first resident comes soon after the start: the board moves at once.
        return { at: now + (last ? between(r, 5, 30) : between(r, 2, 12)) * S, action: 'serve' };
    }
  }

  private async perform(c: Clerk, plan: Plan): Promise<void> {
    const s = c.counter.device.machineState;
    switch (plan.action) {
      case 'sign_in':
        if (!s.clerk) await this.own(c, () => c.counter.hardware.presentBadge(c.counter.spec.badge));
        return;
      case 'serve':
        if (s.status === 'available') await this.press(c, 'clerk');
        return;
      case 'finish':
        if (s.status === 'serving') await this.press(c, 'clerk');
        return;
      case 'return':
        if (s.status === 'away') await this.press(c, 'clerk');
        return;
      case 'vote':
        await this.press(c, `face-${plan.n ?? 4}` as ButtonId);
        return;
      case 'away':
        if (s.status !== 'available') return;
        for (let i = 0; i < (plan.n ?? 1); i++) await this.press(c, 'away');
        return;
    }
  }

  private press(c: Clerk, button: ButtonId): Promise<void> {
    return this.own(c, () => c.counter.hardware.press(button));
  }

  private async own(c: Clerk, act: () => Promise<void>): Promise<void> {
    c.pressing++;
    try {
      await act();
    } finally {
      c.pressing--;
    }
  }
}
