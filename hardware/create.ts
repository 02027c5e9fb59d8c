import type { BoardProfile } from './profile.ts';
import type { ButtonId, CounterHardware } from './interfaces.ts';
import { SimulatedHardware } from './sim.ts';
import { GpioButtons, gpioLight, onoffPins, type GpioPinFactory } from './gpio.ts';
import { J5Buttons, J5Lcd, connectBoard, j5RgbLight, type J5Board } from './johnny-five.ts';
import { SerialBadgeReader, VfdDisplay, openSerial, type SerialLink } from './serial.ts';

/** Where drivers reach the outside world; tests pass the libraries' own test doubles. */
export interface HardwareDeps {
  gpio?: () => GpioPinFactory;
  arduino?: (port: string) => Promise<J5Board>;
  serial?: (path: string, baudRate: number) => Promise<SerialLink>;
}

export interface CreatedHardware extends CounterHardware {
  /** Present when any part is simulated: the panel and tests drive it. */
  sim: SimulatedHardware | null;
  close(): Promise<void>;
}

/** Build a counter's hardware from its board profile: the composition root for drivers. */
export async function createHardware(profile: BoardProfile, deps: HardwareDeps = {}): Promise<CreatedHardware> {
  const gpio = memo(deps.gpio ?? onoffPins);
  const arduino = memo(() => (deps.arduino ?? ((port) => connectBoard({ port })))(profile.arduino!.port));
  const serial = deps.serial ?? openSerial;
  const simNeeded = [profile.light.driver, profile.display.driver, profile.buttons.driver, profile.badge?.driver].includes('sim');
  const sim = simNeeded
    ? new SimulatedHardware(profile.display.driver === 'sim' ? { cols: profile.display.cols, rows: profile.display.rows } : { cols: 20, rows: 4 })
    : null;

  const l = profile.light;
  const light =
    l.driver === 'sim' ? sim!.light : l.driver === 'gpio' ? gpioLight(l.pins, gpio(), { activeLow: l.activeLow }) : j5RgbLight(await arduino(), l.pins, { isAnode: l.isAnode });

  const d = profile.display;
  const display =
    d.driver === 'sim'
      ? sim!.display
      : d.driver === 'arduino-lcd'
        ? new J5Lcd(await arduino(), { cols: d.cols, rows: d.rows }, { address: d.address })
        : d.driver === 'kiosk'
          ? // Loaded only when used: its HTTP server costs a counter without a screen ~3 MB.
            await (await import('./kiosk.ts')).KioskDisplay.start({ cols: d.cols, rows: d.rows }, d.port)
          : new VfdDisplay(await serial(d.port, d.baudRate), { cols: d.cols, rows: d.rows }, d.codePage);

  const b = profile.buttons;
  const pins = (p: Record<string, number | undefined>): Partial<Record<ButtonId, number>> =>
    Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as Partial<Record<ButtonId, number>>;
  const buttons =
    b.driver === 'sim'
      ? sim!.buttons
      : b.driver === 'gpio'
        ? new GpioButtons(pins(b.pins), gpio(), { debounceMs: b.debounceMs, activeLow: b.activeLow })
        : new J5Buttons(await arduino(), pins(b.pins));

  const r = profile.badge;
  const badge = !r ? undefined : r.driver === 'sim' ? sim!.badge : new SerialBadgeReader(await serial(r.port, r.baudRate));

  return {
    light,
    display,
    buttons,
    badge,
    sim,
    close: async () => {
      await buttons.close();
      await badge?.close();
      await light.close();
      await display.close();
    },
  };
}

function memo<T>(make: () => T): () => T {
  let made: { value: T } | null = null;
  return () => (made ??= { value: make() }).value;
}
