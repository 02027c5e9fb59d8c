import { createRequire } from 'node:module';
import type { ButtonId, ButtonListener, Buttons, Light, LightColor } from './interfaces.ts';
import { BlinkingLight } from './blink.ts';
import { HardwareError } from '@okienko/protocol/errors';

/** The part of onoff's `Gpio` we use; tests pass a fake that behaves the same way. */
export interface GpioPin {
  readSync(): 0 | 1;
  writeSync(value: 0 | 1): void;
  watch(callback: (err: Error | null | undefined, value: 0 | 1) => void): void;
  unexport(): void;
}

export interface GpioPinOptions {
  /** Inverts the pin: for buttons wired to ground with a pull-up, and relays that switch on low. */
  activeLow?: boolean;
  /** onoff debounces the interrupt itself; the maintainers advise about 50 ms for push buttons. */
  debounceTimeout?: number;
}

export type GpioPinFactory = (pin: number, direction: 'in' | 'out', edge: 'none' | 'both', options: GpioPinOptions) => GpioPin;

/** Real GPIO through onoff (sysfs/epoll); refuses clearly where there is no GPIO (off a Pi). */
export function onoffPins(): GpioPinFactory {
  // onoff is CommonJS with a native addon that only builds on Linux; load it only when asked for.
  const { Gpio } = createRequire(import.meta.url)('onoff') as typeof import('onoff');
  if (!Gpio.accessible) {
    throw new HardwareError('GPIO is not accessible here: run on a Raspberry Pi, as a user in the "gpio" group (see hardware/README.md)');
  }
  return (pin, direction, edge, options) => new Gpio(pin, direction, edge, options) as unknown as GpioPin;
}

export interface GpioLightPins {
  green: number;
  amber: number;
  red: number;
}

/** A three-colour tower light (or three LEDs) on GPIO outputs, usually through a relay board. */
export function gpioLight(pins: GpioLightPins, factory: GpioPinFactory, options: { activeLow?: boolean; blinkMs?: number } = {}): Light {
  const out = (pin: number): GpioPin => factory(pin, 'out', 'none', { activeLow: options.activeLow ?? false });
  const outputs: Record<Exclude<LightColor, 'off'>, GpioPin> = { green: out(pins.green), amber: out(pins.amber), red: out(pins.red) };
  return new BlinkingLight(
    (color) => {
      for (const [name, pin] of Object.entries(outputs)) pin.writeSync(name === color ? 1 : 0);
    },
    options.blinkMs,
    () => Object.values(outputs).forEach((pin) => pin.unexport()),
  );
}

/** Push buttons on GPIO inputs, debounced by onoff, each reported as down/up edges. */
export class GpioButtons implements Buttons {
  private readonly listeners = new Set<ButtonListener>();
  private readonly pins: GpioPin[] = [];

  constructor(map: Partial<Record<ButtonId, number>>, factory: GpioPinFactory, options: { activeLow?: boolean; debounceMs?: number } = {}) {
    for (const [button, pin] of Object.entries(map) as [ButtonId, number][]) {
      const gpio = factory(pin, 'in', 'both', { activeLow: options.activeLow ?? true, debounceTimeout: options.debounceMs ?? 50 });
      let last = gpio.readSync();
      gpio.watch((err, value) => {
        if (err || value === last) return; // after debouncing, a repeated level is no edge
        last = value;
        void this.emit(button, value === 1);
      });
      this.pins.push(gpio);
    }
  }

  onEdge(listener: ButtonListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    for (const pin of this.pins) pin.unexport();
  }

  private async emit(button: ButtonId, pressed: boolean): Promise<void> {
    for (const l of [...this.listeners]) {
      try {
        await l({ button, pressed });
      } catch {
        // The device shows the failure itself (e.g. outbox full); a driver has nobody to tell.
      }
    }
  }
}
