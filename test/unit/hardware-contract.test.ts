import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRequire } from 'node:module';
// binding-mock's package.json "exports" hides its types from ESM resolution; take both by hand.
import type { MockBindingInterface } from '../../node_modules/@serialport/binding-mock/dist/index.d.ts';
import { SerialPortStream } from '@serialport/stream';
import {
  J5Buttons,
  J5Lcd,
  SimulatedHardware,
  VfdDisplay,
  SerialBadgeReader,
  type BadgeReader,
  GpioButtons,
  gpioLight,
  j5RgbLight,
  type ButtonEdge,
  type ButtonId,
  type Buttons,
  type Display,
  type DisplaySize,
  type Light,
  type LightColor,
} from '@okienko/hardware';
import { KioskDisplay } from '@okienko/hardware/kiosk';
import { FakeGpioChip } from '../helpers/fake-gpio.ts';
import { Hd44780 } from '../helpers/hd44780.ts';
import { mockBoard } from '../helpers/mock-board.ts';
import { VfdScreen } from '../helpers/vfd.ts';
import { waitFor } from '../helpers/net.ts';

const { MockBinding } = createRequire(import.meta.url)('@serialport/binding-mock') as { MockBinding: MockBindingInterface };

/** A mock serial port, and everything written to it. */
async function mockSerial(path: string): Promise<{ port: SerialPortStream; written: () => Buffer; close(): void }> {
  MockBinding.createPort(path, { echo: false, record: true });
  const port = new SerialPortStream({ binding: MockBinding, path, baudRate: 9600 });
  await new Promise<void>((resolve, reject) => port.once('open', resolve).once('error', reject));
  return {
    port,
    written: () => (port.port as unknown as { recording: Buffer }).recording,
    close: () => MockBinding.reset(),
  };
}

afterEach(() => {
  vi.useRealTimers();
  MockBinding.reset();
});

// ---------------------------------------------------------------- Light
interface LightUnderTest {
  light: Light;
  /** The colour a person sees now. */
  seen(): LightColor;
}

const RGB_SEEN = (pwm: Map<number, number>, pins: { red: number; green: number; blue: number }): LightColor => {
  const [r, g, b] = [pwm.get(pins.red) ?? 0, pwm.get(pins.green) ?? 0, pwm.get(pins.blue) ?? 0];
  if (r === 0 && g === 0 && b === 0) return 'off';
  if (r > 200 && g < 50) return 'red';
  if (r > 200 && g > 50) return 'amber';
  if (g > 200 && r < 50) return 'green';
  throw new Error(`an RGB mix no one would call a colour: ${r},${g},${b}`);
};

const lights: Record<string, () => Promise<LightUnderTest>> = {
  simulated: async () => {
    const hw = new SimulatedHardware();
    return { light: hw.light, seen: () => hw.snapshot().flashing ?? hw.snapshot().light };
  },
  'GPIO (onoff) tower light': async () => {
    const chip = new FakeGpioChip();
    const light = gpioLight({ green: 17, amber: 27, red: 22 }, chip.factory, { activeLow: true });
    return {
      light,
      seen: () => {
        // Relays switch on low: a lamp is lit when its pin is driven to 0.
        const on = (['green', 'amber', 'red'] as const).filter((c) => chip.pin({ green: 17, amber: 27, red: 22 }[c]).physical === 0);
        if (on.length > 1) throw new Error(`two lamps at once: ${on.join(', ')}`);
        return on[0] ?? 'off';
      },
    };
  },
  'Arduino RGB LED (johnny-five)': async () => {
    const m = await mockBoard();
    const pins = { red: 9, green: 10, blue: 11 };
    return { light: j5RgbLight(m.board, pins), seen: () => RGB_SEEN(m.pwm, pins) };
  },
};

describe.each(Object.entries(lights))('Light contract: %s', (_name, make) => {
  it('shows each colour it is set to, and nothing when off', async () => {
    const { light, seen } = await make();
    for (const color of ['green', 'amber', 'red', 'off'] as const) {
      await light.set(color);
      expect(seen()).toBe(color);
    }
  });

  it('a confirmation blink shows for a moment, then the steady colour is back', async () => {
    vi.useFakeTimers();
    const { light, seen } = await make();
    await light.set('red');
    await light.flash('green');
    expect(seen()).toBe('green');
    await vi.advanceTimersByTimeAsync(5000);
    expect(seen()).toBe('red');
  });

  it('is dark when closed', async () => {
    const { light, seen } = await make();
    await light.set('amber');
    await light.close();
    expect(seen()).toBe('off');
  });
});

// ---------------------------------------------------------------- Display
interface DisplayUnderTest {
  display: Display;
  /** What a person reads on it now, one string per row. */
  screen(): Promise<string[]>;
}

const displays: Record<string, (size: DisplaySize) => Promise<DisplayUnderTest>> = {
  simulated: async (size) => {
    const hw = new SimulatedHardware(size);
    return { display: hw.display, screen: async () => hw.snapshot().lines.map((l) => l.padEnd(size.cols, ' ')) };
  },
  'HD44780 LCD on I²C (johnny-five)': async (size) => {
    const m = await mockBoard();
    const display = new J5Lcd(m.board, size);
    return {
      display,
      screen: async () => {
        const lcd = new Hd44780(size.cols, size.rows);
        for (const b of m.i2c) lcd.write(b);
        return lcd.screen();
      },
    };
  },
  'kiosk page for an HDMI screen': async (size) => {
    const display = await KioskDisplay.start(size, 0);
    return { display, screen: async () => ((await (await fetch(`${display.url}lines.json`)).json()) as string[]).map((l) => l.padEnd(size.cols, ' ')) };
  },
  'VFD pole display (serialport)': async (size) => {
    const s = await mockSerial('/dev/ttyVFD');
    const display = new VfdDisplay(s.port, size);
    return {
      display,
      screen: async () => {
        await waitFor(() => s.written().length > 0, { what: 'bytes on the serial line' });
        const vfd = new VfdScreen(size.cols, size.rows);
        // Let the mock binding finish writing what was queued.
        await new Promise((r) => s.port.drain(r));
        vfd.feed(s.written());
        return vfd.screen();
      },
    };
  },
};

describe.each(Object.entries(displays))('Display contract: %s', (name, make) => {
  const size = name.startsWith('VFD') ? { cols: 20, rows: 2 } : { cols: 16, rows: 2 };

  it('shows each line cut and padded to the screen, Polish letters as they are', async () => {
    const { display, screen } = await make(size);
    await display.show(['Trwa obsługa — proszę czekać', 'Anna Nowak']);
    const cut = (s: string) => Array.from(s).slice(0, size.cols).join('').padEnd(size.cols, ' ');
    // Screens with a font show the dash; character displays write it as ASCII.
    const dash = name.startsWith('sim') || name.startsWith('kiosk') ? '—' : '-';
    expect(await screen()).toEqual([cut(`Trwa obsługa ${dash} proszę czekać`), cut('Anna Nowak')]);
  });

  it('leaves nothing of a longer earlier text behind', async () => {
    const { display, screen } = await make(size);
    await display.show(['Stanowisko nieczynne', 'Counter closed']);
    await display.show(['Zaraz wracam']);
    expect(await screen()).toEqual(['Zaraz wracam'.padEnd(size.cols, ' '), ' '.repeat(size.cols)]);
  });
});

describe('HD44780 Polish letters', () => {
  it('gives the first eight distinct letters a custom character and writes the rest as base letters', async () => {
    const m = await mockBoard();
    const display = new J5Lcd(m.board, { cols: 20, rows: 4 });
    await display.show(['ąćęłńóśźż', 'ĄĆĘŁŃÓŚŹŻ']);
    const lcd = new Hd44780(20, 4);
    for (const b of m.i2c) lcd.write(b);
    expect(lcd.screen().slice(0, 2)).toEqual(['ąćęłńóśźz'.padEnd(20), 'ACELNOSZZ'.padEnd(20)]);
  });

  it('reuses the same custom characters on the next screen when it can', async () => {
    const m = await mockBoard();
    const display = new J5Lcd(m.board, { cols: 16, rows: 2 });
    await display.show(['Dziękujemy']);
    const after = m.i2c.length;
    await display.show(['Dziękujemy!']);
    const lcd = new Hd44780(16, 2);
    for (const b of m.i2c) lcd.write(b);
    expect(lcd.screen()[0]).toBe('Dziękujemy!'.padEnd(16));
    // Only the text was written again: 2 rows × 16 cells × 4 I²C bytes, plus 2 cursor moves.
    expect(m.i2c.length - after).toBe(2 * 16 * 4 + 2 * 4);
  });
});

// ---------------------------------------------------------------- Buttons
interface ButtonsUnderTest {
  buttons: Buttons;
  /** A person presses (true) or lets go (false); `bounce` makes the contact chatter first. */
  push(button: ButtonId, pressed: boolean, bounce?: boolean): Promise<void>;
}

const buttonDrivers: Record<string, () => Promise<ButtonsUnderTest>> = {
  simulated: async () => {
    const hw = new SimulatedHardware();
    return { buttons: hw.buttons, push: (b, pressed) => hw.edge(b, pressed) };
  },
  'GPIO (onoff)': async () => {
    const chip = new FakeGpioChip();
    const pins: Partial<Record<ButtonId, number>> = { clerk: 5, 'face-1': 6, 'face-2': 13 };
    const buttons = new GpioButtons(pins, chip.factory, { debounceMs: 50 });
    return {
      buttons,
      push: async (b, pressed, bounce) => {
        const pin = chip.pin(pins[b]!);
        // Wired to ground with a pull-up: pressed reads low on the wire.
        const level = pressed ? 0 : 1;
        for (let i = 0; bounce && i < 3; i++) {
          pin.drive(level);
          pin.drive((level ^ 1) as 0 | 1);
        }
        pin.drive(level);
        await new Promise((r) => setTimeout(r, 60));
      },
    };
  },
  'Arduino buttons (johnny-five)': async () => {
    const m = await mockBoard();
    const pins: Partial<Record<ButtonId, number>> = { clerk: 2, 'face-1': 3, 'face-2': 4 };
    const buttons = new J5Buttons(m.board, pins);
    return {
      buttons,
      push: async (b, pressed, bounce) => {
        const level = pressed ? 0 : 1; // internal pull-up: pressed reads 0
        for (let i = 0; bounce && i < 3; i++) {
          m.setInput(pins[b]!, level);
          m.setInput(pins[b]!, level ^ 1 ? 1 : 0);
        }
        m.setInput(pins[b]!, level);
        await new Promise((r) => setTimeout(r, 20));
      },
    };
  },
};

describe.each(Object.entries(buttonDrivers))('Buttons contract: %s', (_name, make) => {
  it('reports a press as one edge down and one edge up, with the button\'s name', async () => {
    const { buttons, push } = await make();
    const edges: ButtonEdge[] = [];
    buttons.onEdge((e) => void edges.push(e));
    await push('face-2', true);
    await push('face-2', false);
    await push('clerk', true);
    await push('clerk', false);
    expect(edges).toEqual([
      { button: 'face-2', pressed: true },
      { button: 'face-2', pressed: false },
      { button: 'clerk', pressed: true },
      { button: 'clerk', pressed: false },
    ]);
  });

  it('a chattering contact is still one press', async () => {
    const { buttons, push } = await make();
    const edges: ButtonEdge[] = [];
    buttons.onEdge((e) => void edges.push(e));
    await push('face-1', true, true);
    await push('face-1', false, true);
    expect(edges).toEqual([
      { button: 'face-1', pressed: true },
      { button: 'face-1', pressed: false },
    ]);
  });

  it('stops reporting to a listener that unsubscribed, and after close', async () => {
    const { buttons, push } = await make();
    const edges: ButtonEdge[] = [];
    const off = buttons.onEdge((e) => void edges.push(e));
    off();
    await push('clerk', true);
    await push('clerk', false);
    buttons.onEdge((e) => void edges.push(e));
    await buttons.close();
    await push('face-1', true);
    expect(edges).toEqual([]);
  });
});

// ---------------------------------------------------------------- BadgeReader
interface BadgeReaderUnderTest {
  reader: BadgeReader;
  /** A card is held to the reader once. */
  present(card: string): Promise<void>;
}

const badgeReaders: Record<string, () => Promise<BadgeReaderUnderTest>> = {
  simulated: async () => {
    const hw = new SimulatedHardware();
    return { reader: hw.badge, present: (card) => hw.presentBadge(card) };
  },
  'RDM6300 on serial (serialport)': async () => {
    const s = await mockSerial('/dev/ttyBADGE');
    const reader = new SerialBadgeReader(s.port);
    return {
      reader,
      present: async (card) => {
        let x = 0;
        for (let i = 0; i < 10; i += 2) x ^= parseInt(card.slice(i, i + 2), 16);
        const arrived = new Promise<void>((r) => s.port.once('data', () => r()));
        (s.port.port as unknown as { emitData(b: Buffer): void }).emitData(Buffer.from(`\x02${card}${x.toString(16).toUpperCase().padStart(2, '0')}\x03`, 'latin1'));
        await arrived;
      },
    };
  },
};

describe.each(Object.entries(badgeReaders))('BadgeReader contract: %s', (_name, make) => {
  it('reports each card presented, by its number', async () => {
    const { reader, present } = await make();
    const seen: string[] = [];
    reader.onBadge((id) => void seen.push(id));
    await present('0A00000001');
    await present('0A00000002');
    expect(seen).toEqual(['0A00000001', '0A00000002']);
  });

  it('reports nothing after close', async () => {
    const { reader, present } = await make();
    const seen: string[] = [];
    reader.onBadge((id) => void seen.push(id));
    await reader.close();
    await present('0A00000003').catch(() => {});
    expect(seen).toEqual([]);
  });
});
