import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimulatedHardware, type ButtonEdge } from '@okienko/hardware';
import { startLoad, type SimCounter } from '@okienko/sim';

afterEach(() => vi.useRealTimers());

describe('the simulator’s load', () => {
  it('presses one counter’s buttons one after another, never two at once, however fast it presses', async () => {
    vi.useFakeTimers();
    const hardware = new SimulatedHardware();
    const edges: ButtonEdge[] = [];
    // The counter is slow to handle a press: each "down" waits until the test lets it go.
    const waiting: (() => void)[] = [];
    hardware.buttons.onEdge(async (e) => {
      edges.push(e);
      if (e.pressed) await new Promise<void>((r) => waiting.push(r));
    });
    const counter = { hardware } as unknown as SimCounter;
    // 600 a minute on one counter: a press every 100 ms tick.
    const load = startLoad({ list: () => [counter] }, 600, () => 0.5);
    await vi.advanceTimersByTimeAsync(1000);
    load.stop();
    expect(load.stats.presses).toBe(10);
    // Ten presses were due; one is being handled, the others wait for it.
    expect(edges.filter((e) => e.pressed)).toHaveLength(1);
    while (waiting.length > 0) {
      waiting.shift()!();
      await vi.advanceTimersByTimeAsync(0);
    }
    expect(edges.map((e) => (e.pressed ? 'down' : 'up'))).toEqual(Array.from({ length: 10 }, () => ['down', 'up']).flat());
    expect(load.stats.refused).toBe(0);
  });
});
