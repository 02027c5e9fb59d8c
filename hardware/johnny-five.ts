import { createRequire } from 'node:module';
import type { ButtonId, ButtonListener, Buttons, Display, DisplaySize, Light, LightColor } from './interfaces.ts';
import { hd44780Screen, POLISH_GLYPHS } from './text.ts';
import { BlinkingLight } from './blink.ts';
import { HardwareError } from '@okienko/protocol/errors';

// johnny-five is CommonJS without types of its own; these are the few members we use.
export interface J5Board {
  on(event: 'ready' | 'error' | 'exit', cb: (err?: Error) => void): void;
  io: unknown;
}
interface J5Led {
  on(): void;
  off(): void;
  color(hex: string): void;
  stop(): void;
}
interface J5Button {
  on(event: 'down' | 'up', cb: () => void): void;
}
interface LcdHandle {
  cursor(row: number, col: number): LcdHandle;
  print(text: string, options?: { dontProcessSpecials?: boolean }): LcdHandle;
  createChar(address: number, map: number[]): number;
  clear(): LcdHandle;
  off(): void;
}
interface Five {
  Board: new (opts: Record<string, unknown>) => J5Board;
  Led: { RGB: new (opts: Record<string, unknown>) => J5Led };
  Button: new (opts: Record<string, unknown>) => J5Button;
  LCD: new (opts: Record<string, unknown>) => LcdHandle;
}

const require = createRequire(import.meta.url);
const five = (): Five => require('johnny-five') as Five;

/**
 * Connect to an Arduino running StandardFirmata. `io` is for tests (mock-firmata); on a counter
 * the board is found on `port` (e.g. /dev/ttyUSB0) through firmata-io and serialport.
 */
export function connectBoard(opts: { io?: unknown; port?: string; timeoutMs?: number }): Promise<J5Board> {
  return new Promise((resolve, reject) => {
    let io = opts.io;
    if (!io) {
      const { SerialPort } = require('serialport') as typeof import('serialport');
      const Firmata = (require('firmata-io') as (transport: unknown) => new (port: unknown) => unknown)(SerialPort);
      if (!opts.port) return reject(new HardwareError('an Arduino needs its serial port, e.g. "port": "/dev/ttyUSB0"'));
      io = new Firmata(new SerialPort({ path: opts.port, baudRate: 57600 }));
    }
    const board = new (five().Board)({ io, repl: false, debug: false, timeout: opts.timeoutMs ?? 10_000 });
    board.on('ready', () => resolve(board));
    board.on('error', (err) => reject(new HardwareError(`the Arduino on ${opts.port ?? 'its port'} did not answer (${err?.message ?? 'no reply'}) — is it plugged in and running StandardFirmata?`)));
  });
}

const RGB: Record<LightColor, string | null> = { green: '#00ff00', amber: '#ff9000', red: '#ff0000', off: null };

/** An RGB LED or LED strip on three PWM pins of the Arduino. */
export function j5RgbLight(board: J5Board, pins: { red: number; green: number; blue: number }, options: { isAnode?: boolean; blinkMs?: number } = {}): Light {
  const led = new (five().Led.RGB)({ board, pins, isAnode: options.isAnode ?? false });
  return new BlinkingLight((color) => {
    const hex = RGB[color];
    if (!hex) return led.off();
    led.color(hex);
    led.on();
  }, options.blinkMs);
}

/** Push buttons on Arduino pins (internal pull-ups: wire each to ground). */
export class J5Buttons implements Buttons {
  private readonly listeners = new Set<ButtonListener>();

  constructor(board: J5Board, map: Partial<Record<ButtonId, number>>, options: { pullup?: boolean } = {}) {
    for (const [button, pin] of Object.entries(map) as [ButtonId, number][]) {
      const b = new (five().Button)({ board, pin, isPullup: options.pullup ?? true });
      b.on('down', () => void this.emit(button, true));
      b.on('up', () => void this.emit(button, false));
    }
  }

  onEdge(listener: ButtonListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }

  private async emit(button: ButtonId, pressed: boolean): Promise<void> {
    for (const l of [...this.listeners]) await Promise.resolve(l({ button, pressed })).catch(() => {});
  }
}

/**
 * An HD44780 character LCD (16×2 or 20×4) behind a PCF8574 I²C backpack. Polish letters get
 * custom characters (eight per screen), the rest fall back to ASCII. Rows are overwritten in
 * place rather than cleared, so the screen doesn't flicker.
 */
export class J5Lcd implements Display {
  private readonly lcd: LcdHandle;
  private slots: string[] = [];

  constructor(board: J5Board, readonly size: DisplaySize, options: { address?: number } = {}) {
    this.lcd = new (five().LCD)({ board, controller: 'PCF8574', rows: size.rows, cols: size.cols, ...(options.address ? { address: options.address } : {}) });
  }

  async show(lines: readonly string[]): Promise<void> {
    const screen = hd44780Screen(lines, this.size.cols, this.size.rows);
    screen.slots.forEach((letter, slot) => {
      if (this.slots[slot] !== letter) this.lcd.createChar(slot, POLISH_GLYPHS[letter]!);
    });
    this.slots = screen.slots;
    screen.rows.forEach((row, r) => this.lcd.cursor(r, 0).print(row, { dontProcessSpecials: true }));
  }

  async close(): Promise<void> {
    this.lcd.clear();
    this.lcd.off();
  }
}
