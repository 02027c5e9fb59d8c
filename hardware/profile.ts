import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConfigError, parseConfig } from '@okienko/protocol/errors';

/**
 * A board profile says which driver serves which part of a counter, on which pins and ports.
 * It is validated as a whole: every mistake is named with its field and a fix.
 */

// BCM numbers of the Pi's header GPIOs that are free for general use.
const BcmPin = z.number().int().min(2).max(27);
// Arduino Uno/Nano: digital pins 2-13 (0 and 1 are the USB serial line), PWM only on some.
const ArduinoPin = z.number().int().min(2).max(19);
const ARDUINO_PWM = [3, 5, 6, 9, 10, 11];
const PwmPin = ArduinoPin.refine((p) => ARDUINO_PWM.includes(p), { message: `must be a PWM pin (${ARDUINO_PWM.join(', ')})` });
const SerialPath = z.string().regex(/^\/dev\/\S+$/, 'must be a device path like /dev/ttyUSB0 or /dev/serial0');

const ButtonPins = <T extends z.ZodType>(pin: T) =>
  z
    .object({
      clerk: pin,
      away: pin.optional(),
      'face-1': pin,
      'face-2': pin,
      'face-3': pin,
      'face-4': pin.optional(),
      'face-5': pin.optional(),
    })
    .strict();

export const BoardProfile = z
  .object({
    version: z.literal(1).default(1),
    name: z.string().min(1),
    /** The Arduino the arduino-* drivers talk to (StandardFirmata over USB). */
    arduino: z.object({ port: SerialPath }).strict().optional(),
    light: z.discriminatedUnion('driver', [
      z.object({ driver: z.literal('sim') }).strict(),
      z
        .object({
          driver: z.literal('gpio'),
          pins: z.object({ green: BcmPin, amber: BcmPin, red: BcmPin }).strict(),
          /** Most relay boards switch on when their input is low. */
          activeLow: z.boolean().default(true),
        })
        .strict(),
      z
        .object({
          driver: z.literal('arduino-rgb'),
          pins: z.object({ red: PwmPin, green: PwmPin, blue: PwmPin }).strict(),
          isAnode: z.boolean().default(false),
        })
        .strict(),
    ]),
    display: z.discriminatedUnion('driver', [
      z.object({ driver: z.literal('sim'), cols: z.number().int().min(8).max(80).default(32), rows: z.number().int().min(1).max(12).default(6) }).strict(),
      z
        .object({
          driver: z.literal('arduino-lcd'),
          cols: z.union([z.literal(16), z.literal(20)]),
          rows: z.union([z.literal(2), z.literal(4)]),
          /** I²C address of the PCF8574 backpack: 0x27 (PCF8574T) or 0x3F (PCF8574AT) as usual. */
          address: z.number().int().min(0x20).max(0x3f).default(0x27),
        })
        .strict(),
      z
        .object({
          driver: z.literal('kiosk'),
          /** Loopback port of the page Chromium shows full-screen on the HDMI screen. */
          port: z.number().int().min(1024).max(65535).default(8090),
          cols: z.number().int().min(8).max(60).default(28),
          rows: z.number().int().min(2).max(12).default(6),
        })
        .strict(),
      z
        .object({
          driver: z.literal('vfd'),
          port: SerialPath,
          baudRate: z.number().int().positive().default(9600),
          cols: z.number().int().default(20),
          rows: z.number().int().default(2),
          codePage: z.enum(['cp852', 'ascii']).default('cp852'),
        })
        .strict(),
    ]),
    buttons: z.discriminatedUnion('driver', [
      z.object({ driver: z.literal('sim') }).strict(),
      z
        .object({
          driver: z.literal('gpio'),
          pins: ButtonPins(BcmPin),
          debounceMs: z.number().int().min(0).max(500).default(50),
          activeLow: z.boolean().default(true),
        })
        .strict(),
      z.object({ driver: z.literal('arduino'), pins: ButtonPins(ArduinoPin) }).strict(),
    ]),
    badge: z
      .discriminatedUnion('driver', [
        z.object({ driver: z.literal('sim') }).strict(),
        z.object({ driver: z.literal('serial'), port: SerialPath, baudRate: z.number().int().positive().default(9600) }).strict(),
      ])
      .optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const usesArduino = p.light.driver === 'arduino-rgb' || p.display.driver === 'arduino-lcd' || p.buttons.driver === 'arduino';
    if (usesArduino && !p.arduino) {
      ctx.addIssue({ code: 'custom', path: ['arduino'], message: 'an arduino-* driver is used but no Arduino is given — add "arduino": { "port": "/dev/ttyUSB0" }' });
    }
    // One pin, one job: the same pin named twice is a wiring mistake.
    for (const side of ['gpio', 'arduino'] as const) {
      const used = new Map<number, string>();
      const claim = (pin: number | undefined, field: string): void => {
        if (pin === undefined) return;
        const other = used.get(pin);
        if (other) ctx.addIssue({ code: 'custom', path: field.split('.'), message: `pin ${pin} is also used by ${other} — give each part its own pin` });
        else used.set(pin, field);
      };
      if (side === 'gpio' && p.light.driver === 'gpio') for (const [k, v] of Object.entries(p.light.pins)) claim(v, `light.pins.${k}`);
      if (side === 'arduino' && p.light.driver === 'arduino-rgb') for (const [k, v] of Object.entries(p.light.pins)) claim(v, `light.pins.${k}`);
      const b = p.buttons;
      if ((side === 'gpio' && b.driver === 'gpio') || (side === 'arduino' && b.driver === 'arduino')) {
        for (const [k, v] of Object.entries(b.pins)) claim(v, `buttons.pins.${k}`);
      }
    }
    const ports = [p.arduino?.port, p.display.driver === 'vfd' ? p.display.port : undefined, p.badge?.driver === 'serial' ? p.badge.port : undefined].filter(Boolean);
    if (new Set(ports).size !== ports.length) {
      ctx.addIssue({ code: 'custom', path: ['badge'], message: `two parts share one serial port (${ports.join(', ')}) — each needs its own` });
    }
  });
export type BoardProfile = z.infer<typeof BoardProfile>;

const FIXES: Record<string, string> = {
  driver: 'see hardware/README.md for the drivers each part supports',
  port: 'use the path the device shows up as, e.g. /dev/ttyUSB0 (ls /dev/serial/by-id)',
};

export const PROFILES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'profiles');

/** The profiles shipped with okienko, by name. */
export function shippedProfiles(): string[] {
  return fs
    .readdirSync(PROFILES_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5));
}

/** A shipped profile by name ("pi-gpio"), or a profile file by path. */
export function loadProfile(nameOrPath: string): BoardProfile {
  const file = nameOrPath.includes('/') || nameOrPath.endsWith('.json') ? path.resolve(nameOrPath) : path.join(PROFILES_DIR, `${nameOrPath}.json`);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`board profile "${nameOrPath}"`, [`cannot be read (${(err as Error).message}) — use one of: ${shippedProfiles().join(', ')}, or a path to a JSON file`]);
  }
  return parseBoardProfile(raw, file);
}

export function parseBoardProfile(raw: unknown, source: string): BoardProfile {
  return parseConfig(BoardProfile, raw, `board profile ${source}`, FIXES);
}
