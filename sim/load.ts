import type { ButtonId } from '@okienko/hardware';
import type { SimLoadStats } from '@okienko/protocol';
import type { SimCounter, SimFleet } from './fleet.ts';


const BUTTONS: ButtonId[] = ['clerk', 'face-1', 'face-2', 'face-3', 'face-4'];

/**
 * Presses at random on a fleet's counters, `perMinute` per counter on average — clerks toggling
 * free / serving and residents voting — for load and soak runs. The rate is kept exactly (a
 * fractional carry per tick), the counters and buttons are random.
 *
 * A counter's presses follow one another, as a finger's do: one due while the last is still being
 * handled waits for it. Fired at once, two presses of one button overlapped (down, down, up, up),
 * and the counter rightly took the second "down" for contact bounce — the 30-minute soak made
 * 1,707 presses (0.1 %) that no event came of.
 */
export function startLoad(fleet: Pick<SimFleet, 'list'>, perMinute: number, random: () => number = Math.random): { stats: SimLoadStats; stop(): void } {
  const stats: SimLoadStats = { presses: 0, refused: 0 };
  const counters = fleet.list();
  const busy = new Map<SimCounter, Promise<void>>();
  const tickMs = 100;
  const perTick = (counters.length * perMinute * tickMs) / 60_000;
  let carry = 0;
  const timer = setInterval(() => {
    carry += perTick;
    for (; carry >= 1; carry--) {
      const c = counters[Math.floor(random() * counters.length)]!;
      const button = BUTTONS[Math.floor(random() * BUTTONS.length)]!;
      stats.presses++;
      const press = (busy.get(c) ?? Promise.resolve()).then(() => c.hardware.press(button)).catch(() => void stats.refused++);
      busy.set(c, press);
      void press.then(() => busy.get(c) === press && busy.delete(c));
    }
  }, tickMs);
  return { stats, stop: () => clearInterval(timer) };
}
