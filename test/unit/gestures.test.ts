import { describe, expect, it } from 'vitest';
import { initialGestures, nextHoldAt, edge, tick, type GestureState } from '@okienko/device';
import type { ButtonEdge } from '@okienko/hardware';

const HOLD = 1500;
const T0 = 1_000_000;

function run(steps: ([number, ButtonEdge] | [number, 'tick'])[]) {
  let state: GestureState = initialGestures();
  const out: string[] = [];
  for (const [at, s] of steps) {
    const r = s === 'tick' ? tick(state, at, HOLD) : edge(state, s, at);
    state = r.state;
    out.push(...r.gestures.map((g) => `${g.type}:${g.button}`));
  }
  return { state, out };
}
const down = (button: ButtonEdge['button']): ButtonEdge => ({ button, pressed: true });
const up = (button: ButtonEdge['button']): ButtonEdge => ({ button, pressed: false });

describe('button gestures', () => {
  it('a short clerk press acts on release', () => {
    expect(run([[T0, down('clerk')]]).out).toEqual([]);
    expect(run([[T0, down('clerk')], [T0 + 200, up('clerk')]]).out).toEqual(['press:clerk']);
  });

  it('a face acts at once, on the way down, and its release does nothing', () => {
    expect(run([[T0, down('face-2')], [T0 + 900, up('face-2')]]).out).toEqual(['press:face-2']);
  });

  it('holding the clerk button fires a hold, then another every holdMs, and no press on release', () => {
    const { out } = run([
      [T0, down('clerk')],
      [T0 + HOLD - 1, 'tick'],
      [T0 + HOLD, 'tick'],
      [T0 + 2 * HOLD - 1, 'tick'],
      [T0 + 2 * HOLD, 'tick'],
      [T0 + 2 * HOLD + 300, up('clerk')],
    ]);
    expect(out).toEqual(['hold:clerk', 'hold:clerk']);
  });

  it('says when the next hold is due, and nothing when no clerk button is down', () => {
    const { state } = run([[T0, down('clerk')], [T0 + HOLD, 'tick']]);
    expect(nextHoldAt(state, HOLD)).toBe(T0 + 2 * HOLD);
    expect(nextHoldAt(run([[T0, down('face-1')]]).state, HOLD)).toBeNull();
  });

  it('ignores a repeated down (bounce) and an up without a down', () => {
    expect(run([[T0, down('face-1')], [T0 + 5, down('face-1')], [T0 + 10, up('face-1')], [T0 + 20, up('face-1')]]).out).toEqual(['press:face-1']);
  });
});
