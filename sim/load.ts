import type { ButtonId } from '@okienko/hardware';
import type { SimFleet } from './fleet.ts';

/** What a load run did: presses made, and those the counter refused (outbox or disk full). */
export interface LoadStats {
  presses: number;
  refused: number;
}

const BUTTONS: ButtonId[] = ['clerk', 'face-1', 'face-2', 'face-3', 'face-4'];

/**
 * Presses at random on a fleet's counters, `perMinute` per counter on average — clerks toggling
 * free / serving and residents voting — for load and soak runs. The rate is kept exactly (a
 * fractional carry per tick), the counters and buttons are random.
 */
export function startLoad(fleet: SimFleet, perMinute: number, random: () => number = Math.random): { stats: LoadStats; stop(): void } {
  const stats: LoadStats = { presses: 0, refused: 0 };
  const counters = fleet.list();
  const tickMs = 100;
  const perTick = (counters.length * perMinute * tickMs) / 60_000;
  let carry = 0;
  const timer = setInterval(() => {
    carry += perTick;
    for (; carry >= 1; carry--) {
      const c = counters[Math.floor(random() * counters.length)]!;
      stats.presses++;
      void c.hardware.press(BUTTONS[Math.floor(random() * BUTTONS.length)]!).catch(() => stats.refused++);
    }
  }, tickMs);
  return { stats, stop: () => clearInterval(timer) };
}
