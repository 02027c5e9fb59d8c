import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { SerialPortStream } from '@serialport/stream';
import type { MockBindingInterface } from '../../node_modules/@serialport/binding-mock/dist/index.d.ts';
import { ConfigError } from '@okienko/protocol';
import { CounterDevice, counterDeviceOptions, type Clock } from '@okienko/device';
import { SimulatedHardware, checkHardware, createHardware, loadProfile, parseBoardProfile, shippedProfiles, type SerialLink } from '@okienko/hardware';
import { FakeGpioChip } from '../helpers/fake-gpio.ts';
import { Hd44780 } from '../helpers/hd44780.ts';
import { mockBoard } from '../helpers/mock-board.ts';
import { VfdScreen } from '../helpers/vfd.ts';
import { waitFor } from '../helpers/net.ts';

const { MockBinding } = createRequire(import.meta.url)('@serialport/binding-mock') as { MockBinding: MockBindingInterface };
afterEach(() => MockBinding.reset());

const ports = new Map<string, SerialPortStream>();
async function mockSerial(p: string, baudRate: number): Promise<SerialLink> {
  MockBinding.createPort(p, { echo: false, record: true });
  const port = new SerialPortStream({ binding: MockBinding, path: p, baudRate });
  await new Promise<void>((resolve, reject) => port.once('open', resolve).once('error', reject));
  ports.set(p, port);
  return port;
}
const recorded = (p: string): Buffer => (ports.get(p)!.port as unknown as { recording: Buffer }).recording;

function device(hw: Awaited<ReturnType<typeof createHardware>>): CounterDevice {
  // A whole four minutes: every page rotation is at its first page, so what shows is the message itself.
  const clock: Clock = { now: () => Date.UTC(2026, 10, 20, 9, 28), synced: () => true };
  return CounterDevice.open(
    counterDeviceOptions(
      { ref: { site: 'ratusz', counter: 'okienko-1' }, dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-prof-')), url: 'mqtt://127.0.0.1:1' },
      { clerk: { id: 'k1', name: 'Anna Nowak' }, tickMs: 3_600_000, link: { reconnectMinMs: 60_000, reconnectMaxMs: 60_000 } },
    ),
    hw,
    clock,
    pino({ level: 'silent' }),
  );
}

describe('board profiles', () => {
  it.each(['sim', 'pi-gpio', 'pi-arduino-nano-lcd'])('ships %s, and it is valid', (name) => {
    expect(shippedProfiles()).toContain(name);
    expect(loadProfile(name).name).toBeTruthy();
  });

  it('names every mistake in a profile at once, with its field and a fix', () => {
    const bad = {
      name: 'broken',
      light: { driver: 'arduino-rgb', pins: { red: 9, green: 10, blue: 4 } },
      display: { driver: 'vfd', port: 'COM3' },
      buttons: { driver: 'gpio', pins: { clerk: 5, 'face-1': 5, 'face-2': 6, 'face-3': 40 } },
      badge: { driver: 'nfc' },
    };
    let err: ConfigError | null = null;
    try {
      parseBoardProfile(bad, 'test.json');
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const text = err!.problems.join('\n');
    expect(text).toMatch(/light\.pins\.blue: must be a PWM pin/);
    expect(text).toMatch(/display\.port: must be a device path like \/dev\/ttyUSB0/);
    expect(text).toMatch(/buttons\.pins\.face-3: .*27/);
    expect(text).toMatch(/badge\.driver: .*hardware\/README\.md/);
    expect(err!.problems.length).toBeGreaterThanOrEqual(4);
  });

  it('refuses one pin for two parts and an Arduino driver without an Arduino', () => {
    const profile = {
      name: 'clash',
      light: { driver: 'gpio', pins: { green: 17, amber: 27, red: 22 } },
      display: { driver: 'arduino-lcd', cols: 16, rows: 2 },
      buttons: { driver: 'gpio', pins: { clerk: 17, 'face-1': 5, 'face-2': 6, 'face-3': 13 } },
    };
    expect(() => parseBoardProfile(profile, 'x')).toThrow(/buttons\.pins\.clerk: pin 17 is also used by light\.pins\.green/);
    expect(() => parseBoardProfile(profile, 'x')).toThrow(/arduino: an arduino-\* driver is used but no Arduino is given/);
  });
});

describe('a counter built from a shipped profile, on the drivers\' test doubles', () => {
  it('pi-gpio: a GPIO button press lights the tower amber and the VFD says so', async () => {
    const chip = new FakeGpioChip();
    const hw = await createHardware(loadProfile('pi-gpio'), { gpio: () => chip.factory, serial: mockSerial });
    const d = device(hw);
    await d.start();
    const clerk = chip.pin(5);
    clerk.drive(0); // pressed: pulled to ground
    await new Promise((r) => setTimeout(r, 60)); // held past onoff's 50 ms debounce
    clerk.drive(1);
    await waitFor(() => d.machineState.status === 'serving', { what: 'serving' });
    // Relays switch on low: amber lit, the others dark.
    await waitFor(() => chip.pin(27).physical === 0 && chip.pin(17).physical === 1 && chip.pin(22).physical === 1, { what: 'amber lamp' });
    const vfd = new VfdScreen(20, 2);
    await waitFor(() => {
      vfd.feed(recorded('/dev/ttyUSB0'));
      return vfd.screen()[0]!.startsWith('Trwa obsługa');
    }, { what: 'the VFD text' });
    await d.stop();
    await hw.close();
  });

  it('pi-arduino-nano-lcd: a face on the Nano is thanked on the LCD, in Polish', async () => {
    const m = await mockBoard();
    const hw = await createHardware(loadProfile('pi-arduino-nano-lcd'), { arduino: async () => m.board, serial: mockSerial });
    const d = device(hw);
    await d.start();
    m.setInput(7, 0); // face-4 down (pull-up: pressed reads 0)
    await waitFor(() => d.outbox.size === 1, { what: 'the vote in the outbox' });
    m.setInput(7, 1);
    const lcd = new Hd44780(20, 4);
    for (const b of m.i2c) lcd.write(b);
    expect(lcd.screen()[0]).toBe('Dziękujemy za ocenę!'); // "!": no link to the broker in this test
    await d.stop();
    await hw.close();
  });

  it('a badge on the Pi\'s serial reader reaches the device', async () => {
    const hw = await createHardware(loadProfile('pi-gpio'), { gpio: () => new FakeGpioChip().factory, serial: mockSerial });
    const seen: string[] = [];
    hw.badge!.onBadge((id) => void seen.push(id));
    (ports.get('/dev/serial0')!.port as unknown as { emitData(b: Buffer): void }).emitData(Buffer.from('0A1B2C3D4E\r\n'));
    await waitFor(() => seen.length === 1, { what: 'a badge' });
    expect(seen).toEqual(['0A1B2C3D4E']);
    await hw.close();
  });
});

describe('okienko device --check', () => {
  it('lights each colour, writes the test screen, and reports each button and badge', async () => {
    const hw = new SimulatedHardware({ cols: 20, rows: 4 });
    const lines: string[] = [];
    let release!: () => void;
    const listening = new Promise<void>((r) => (release = r));
    const done = checkHardware(hw, (l) => lines.push(l), {
      stepMs: 0,
      listenMs: 1,
      // The listening period ends when the test says so, not by the clock.
      wait: (ms) => (ms === 1 ? listening : Promise.resolve()),
    });
    await waitFor(() => lines.some((l) => l.startsWith('press each button')), { what: 'listening' });
    expect(hw.lightHistory).toEqual(['red', 'amber', 'green', 'off']);
    expect(hw.snapshot().lines[1]).toBe('ąćęłńóśźż ĄĆĘŁŃÓŚŹŻ');
    await hw.press('face-3');
    await hw.presentBadge('0A000000FF');
    release();
    expect(await done).toEqual({ buttons: ['face-3'], badges: ['0A000000FF'] });
    expect(lines).toContain('button face-3 down');
    expect(lines.at(-1)).toBe('seen: face-3; 1 badge(s)');
  });
});
