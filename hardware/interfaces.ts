/**
 * The small promise-based contracts every hardware driver implements. The device runtime only
 * ever sees these; which driver serves them is decided by the composition root.
 */

export type LightColor = 'green' | 'amber' | 'red' | 'off';

export interface Light {
  /** Show a steady colour. */
  set(color: LightColor): Promise<void>;
  /** Blink a colour briefly to confirm something to the person, then return to the steady colour. */
  flash(color: LightColor): Promise<void>;
  close(): Promise<void>;
}

export interface DisplaySize {
  cols: number;
  rows: number;
}

export interface Display {
  readonly size: DisplaySize;
  /** Replace the whole screen; lines longer than cols are cut, missing lines are blanked. */
  show(lines: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export const CLERK_BUTTONS = ['clerk', 'away'] as const;
export type ClerkButton = (typeof CLERK_BUTTONS)[number];
export type FaceButton = `face-${1 | 2 | 3 | 4 | 5}`;
export type ButtonId = ClerkButton | FaceButton;

export function isButtonId(value: string): value is ButtonId {
  return (CLERK_BUTTONS as readonly string[]).includes(value) || /^face-[1-5]$/.test(value);
}

/**
 * A button going down (pressed: true) or up. Drivers report raw, debounced edges; what they mean
 * (a press, a hold) is decided by the device's gesture recogniser, with a clock tests can fake.
 */
export interface ButtonEdge {
  button: ButtonId;
  pressed: boolean;
}

/** A listener may be async; a driver waits for it, so a press is confirmed only once handled. */
export type ButtonListener = (edge: ButtonEdge) => void | Promise<void>;

export interface Buttons {
  onEdge(listener: ButtonListener): () => void;
  close(): Promise<void>;
}

/** A badge (RFID card) reader the clerk signs in with; reports each card once per presentation. */
export interface BadgeReader {
  onBadge(listener: (badgeId: string) => void | Promise<void>): () => void;
  close(): Promise<void>;
}

export interface CounterHardware {
  light: Light;
  display: Display;
  buttons: Buttons;
  badge?: BadgeReader | undefined;
}
