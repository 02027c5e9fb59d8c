import { EventEmitter } from 'node:events';
import type {
  BadgeReader,
  ButtonEdge,
  ButtonId,
  ButtonListener,
  Buttons,
  CounterHardware,
  Display,
  DisplaySize,
  Light,
  LightColor,
} from './interfaces.ts';

/** How many past colours and screens the simulator remembers: enough for any test, bounded for a long run. */
// Enough for any test's sequence of colours and screens. The soak runs 2,000 simulated counters in
// one process, each changing screens every 4 s (Polish/English): 200 screens each was 100 MB of
// history that took 13 minutes to fill, and looked like a leak in the soak's heap figures.
const HISTORY = 32;

/** How long a confirmation blink is visible. */
export const FLASH_MS = 1200;

export interface SimSnapshot {
  light: LightColor;
  flashing: LightColor | null;
  lines: string[];
  size: DisplaySize;
  presses: number;
}

/**
 * A simulated counter: behaves like the real parts (the display cuts and pads to its size, a
 * press resolves once the device has handled it) and remembers what it showed, for tests and for
 * the virtual panel a person clicks in the browser.
 */
export class SimulatedHardware extends EventEmitter implements CounterHardware {
  /** The most recent colours and screens (the last HISTORY of each), for tests and the panel. */
  readonly lightHistory: LightColor[] = [];
  readonly size: DisplaySize;
  readonly displayHistory: string[][] = [];
  private color: LightColor = 'off';
  private flashing: LightColor | null = null;
  private lines: string[];
  private edgeListeners = new Set<ButtonListener>();
  private badgeListeners = new Set<(id: string) => void | Promise<void>>();
  private pressCount = 0;
  private flashTimer: NodeJS.Timeout | undefined;

  constructor(size: DisplaySize = { cols: 20, rows: 4 }) {
    super();
    this.size = size;
    this.lines = Array.from({ length: size.rows }, () => '');
    this.display = {
      size,
      show: async (lines) => {
        this.lines = Array.from({ length: size.rows }, (_, i) => (lines[i] ?? '').slice(0, size.cols));
        remember(this.displayHistory, this.lines);
        this.changed();
      },
      close: async () => {},
    };
  }

  readonly light: Light = {
    set: async (color) => {
      this.color = color;
      this.flashing = null;
      remember(this.lightHistory, color);
      this.changed();
    },
    flash: async (color) => {
      // Like a real blink: seen for a moment, then the steady colour shows again by itself.
      this.flashing = color;
      remember(this.lightHistory, color);
      this.changed();
      clearTimeout(this.flashTimer);
      this.flashTimer = setTimeout(() => {
        this.flashing = null;
        this.changed();
      }, FLASH_MS);
      this.flashTimer.unref();
    },
    close: async () => {
      clearTimeout(this.flashTimer);
      this.color = 'off';
      this.flashing = null;
      this.changed();
    },
  };

  readonly display: Display;

  readonly buttons: Buttons = {
    onEdge: (listener) => {
      this.edgeListeners.add(listener);
      return () => this.edgeListeners.delete(listener);
    },
    close: async () => {
      this.edgeListeners.clear();
    },
  };

  readonly badge: BadgeReader = {
    onBadge: (listener) => {
      this.badgeListeners.add(listener);
      return () => this.badgeListeners.delete(listener);
    },
    close: async () => {
      this.badgeListeners.clear();
    },
  };

  /** A button goes down or up; resolves when every listener has handled it. */
  async edge(button: ButtonId, pressed: boolean): Promise<void> {
    if (pressed) this.pressCount += 1;
    const edge: ButtonEdge = { button, pressed };
    for (const listener of [...this.edgeListeners]) await listener(edge);
  }

  /** A short press as a person makes it: down, then up. */
  async press(button: ButtonId): Promise<void> {
    await this.edge(button, true);
    await this.edge(button, false);
  }

  /** Present a badge to the reader. */
  async presentBadge(badgeId: string): Promise<void> {
    for (const listener of [...this.badgeListeners]) await listener(badgeId);
  }

  snapshot(): SimSnapshot {
    return {
      light: this.color,
      flashing: this.flashing,
      lines: [...this.lines],
      size: this.size,
      presses: this.pressCount,
    };
  }

  private changed(): void {
    this.emit('change', this.snapshot());
  }
}

function remember<T>(history: T[], item: T): void {
  history.push(item);
  if (history.length > HISTORY) history.splice(0, history.length - HISTORY);
}
