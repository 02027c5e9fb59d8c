import type { GpioPin, GpioPinFactory, GpioPinOptions } from '@okienko/hardware';

/**
 * GPIO pins that behave like onoff's: activeLow inverts reads and writes, and a watched input
 * with debounceTimeout calls back once, with the level it settled at, after the bouncing stops.
 */
export class FakeGpioChip {
  readonly pins = new Map<number, FakePin>();

  readonly factory: GpioPinFactory = (pin, direction, edge, options) => {
    if (this.pins.has(pin)) throw new Error(`EBUSY: GPIO ${pin} is already exported`);
    const p = new FakePin(pin, direction, edge, options);
    this.pins.set(pin, p);
    return p;
  };

  pin(n: number): FakePin {
    const p = this.pins.get(n);
    if (!p) throw new Error(`GPIO ${n} was never exported`);
    return p;
  }
}

export class FakePin implements GpioPin {
  /** The electrical level on the pin. */
  physical: 0 | 1;
  exported = true;
  private watchers: ((err: Error | null | undefined, value: 0 | 1) => void)[] = [];
  private debounce: NodeJS.Timeout | null = null;

  constructor(
    readonly n: number,
    readonly direction: 'in' | 'out',
    readonly edge: 'none' | 'both',
    readonly options: GpioPinOptions,
  ) {
    // An input with a pull-up (active low) idles high.
    this.physical = direction === 'in' && options.activeLow ? 1 : 0;
  }

  readSync(): 0 | 1 {
    return this.logical(this.physical);
  }

  writeSync(value: 0 | 1): void {
    if (this.direction !== 'out') throw new Error(`EPERM: GPIO ${this.n} is an input`);
    this.physical = this.logical(value);
  }

  watch(cb: (err: Error | null | undefined, value: 0 | 1) => void): void {
    if (this.edge === 'none') throw new Error(`GPIO ${this.n} has no edge to watch`);
    this.watchers.push(cb);
  }

  unexport(): void {
    this.exported = false;
    this.watchers = [];
  }

  /** The level changes on the wire (a bouncing contact changes it several times). */
  drive(level: 0 | 1): void {
    this.physical = level;
    const fire = (): void => {
      this.debounce = null;
      for (const w of this.watchers) w(null, this.readSync());
    };
    if (!this.options.debounceTimeout) return fire();
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(fire, this.options.debounceTimeout);
  }

  private logical(v: 0 | 1): 0 | 1 {
    return this.options.activeLow ? ((v ^ 1) as 0 | 1) : v;
  }
}
