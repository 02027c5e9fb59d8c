import type { ButtonEdge, ButtonId } from '@okienko/hardware';

/**
 * Turns raw button edges into what a person meant: a press or a hold. Pure, with the time passed
 * in, so a hold can be tested without waiting.
 *
 * - Faces and the away button act on the way down: a resident gets the thanks at once.
 * - The clerk button acts on the way up, so that holding it can mean something else: a hold of
 *   `holdMs` fires while the button is still down, and again every `holdMs` after (the clerk
 *   watches the away presets go by and lets go at the right one); the release after a hold is
 *   not also a press.
 */
export type Gesture = { type: 'press' | 'hold'; button: ButtonId };

export interface GestureState {
  /** When each button still down went down, and how many holds it has fired. */
  down: Partial<Record<ButtonId, Down>>;
}

interface Down {
  at: number;
  holds: number;
}

export const initialGestures = (): GestureState => ({ down: {} });

const ACTS_ON_RELEASE: ReadonlySet<ButtonId> = new Set(['clerk']);

export function edge(state: GestureState, e: ButtonEdge, now: number): { state: GestureState; gestures: Gesture[] } {
  const current = state.down[e.button];
  if (e.pressed) {
    if (current) return { state, gestures: [] }; // a second "down" without an "up": bounce
    const next = { down: { ...state.down, [e.button]: { at: now, holds: 0 } } };
    return { state: next, gestures: ACTS_ON_RELEASE.has(e.button) ? [] : [{ type: 'press', button: e.button }] };
  }
  if (!current) return { state, gestures: [] };
  const { [e.button]: _released, ...rest } = state.down;
  const gestures: Gesture[] = ACTS_ON_RELEASE.has(e.button) && current.holds === 0 ? [{ type: 'press', button: e.button }] : [];
  return { state: { down: rest }, gestures };
}

/** Fire the holds that are due; call at `nextHoldAt`. */
export function tick(state: GestureState, now: number, holdMs: number): { state: GestureState; gestures: Gesture[] } {
  const gestures: Gesture[] = [];
  let down = state.down;
  for (const [button, d] of Object.entries(state.down) as [ButtonId, Down][]) {
    if (ACTS_ON_RELEASE.has(button) && now >= d.at + (d.holds + 1) * holdMs) {
      down = { ...down, [button]: { ...d, holds: d.holds + 1 } };
      gestures.push({ type: 'hold', button });
    }
  }
  return { state: down === state.down ? state : { down }, gestures };
}

/** When the next hold falls due, if any button that can be held is down. */
export function nextHoldAt(state: GestureState, holdMs: number): number | null {
  const due = (Object.entries(state.down) as [ButtonId, Down][])
    .filter(([b]) => ACTS_ON_RELEASE.has(b))
    .map(([, d]) => d.at + (d.holds + 1) * holdMs);
  return due.length ? Math.min(...due) : null;
}
