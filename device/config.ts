import fs from 'node:fs';
import { z } from 'zod';
import { AwayReason, Clerk, Substitute } from '@okienko/protocol/messages';
import { ConfigError, parseConfig } from '@okienko/protocol/errors';
import { CounterId, SiteId } from '@okienko/protocol/ids';
import { DEFAULT_TIME_ZONE } from '@okienko/protocol/time';
import { DEFAULT_PRESETS, machineConfig, type AwayPreset, type MachineConfig } from './machine.ts';
import type { LinkOptions } from './link.ts';
import { HhMm, Schedule } from './schedule.ts';

/**
 * One choice of the away menu: back in `minutes`, back at a fixed time `at` ("13:00"), or, for
 * `end_of_day`, neither (the counter closes and the clerk is signed out).
 */
const AwayPresetConfig = z
  .object({ reason: AwayReason, minutes: z.number().int().min(1).max(600).optional(), at: HhMm.optional() })
  .strict()
  .superRefine((p, ctx) => {
    const given = (p.minutes !== undefined ? 1 : 0) + (p.at !== undefined ? 1 : 0);
    if (p.reason === 'end_of_day' && given > 0) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'end_of_day takes neither "minutes" nor "at" — remove them' });
    if (p.reason !== 'end_of_day' && given !== 1) ctx.addIssue({ code: 'custom', path: ['minutes'], message: 'needs one of "minutes" and "at" — give "minutes": 15 or "at": "13:00"' });
  })
  .transform((p): AwayPreset => (p.at !== undefined ? { reason: p.reason, at: p.at } : { reason: p.reason, minutes: p.minutes ?? null }));

/** One counter's configuration (`okienko device --config FILE`). Every field but site and counter has a default. */
export const DeviceConfig = z
  .object({
    version: z.literal(1).default(1),
    site: SiteId,
    counter: CounterId,
    dataDir: z.string().min(1).default('./data/device'),
    timeZone: z.string().default(DEFAULT_TIME_ZONE),
    clerk: Clerk.strict().nullable().default(null),
    substitute: Substitute.strict().nullable().default(null),
    feedback: z
      .object({
        scale: z.number().int().min(3).max(5).default(4),
        repeatMs: z.number().int().nonnegative().default(10_000),
        thanksMs: z.number().int().positive().default(3_000),
      })
      .strict()
      .prefault({}),
    away: z
      .object({
        commitMs: z.number().int().positive().default(4_000),
        /** Holding the clerk button this long means "leaving"; each further holdMs, the next preset. */
        holdMs: z.number().int().positive().default(1_500),
        /** The away menu, offered soonest return first; the shipped five when left out. */
        presets: z.array(AwayPresetConfig).min(1).max(12).optional(),
      })
      .strict()
      .prefault({}),
    /** Opening hours and days off; outside them the counter is closed. */
    schedule: Schedule.optional(),
    /** Badge id → clerk, for sign-in with the badge reader. */
    roster: z.record(z.string().min(1), Clerk.extend({ substitute: Substitute.strict().nullable().optional() }).strict()).default({}),
    mqtt: z
      .object({
        url: z.string().regex(/^(mqtts?|wss?|tcp):\/\//, 'must start with mqtt://, mqtts://, ws:// or wss://').default('mqtt://127.0.0.1:1883'),
        username: z.string().optional(),
        password: z.string().optional(),
        keepaliveS: z.number().int().min(1).max(3600).default(30),
        protocolVersion: z.union([z.literal(4), z.literal(5)]).default(4),
        /** For mqtts:// with the office's own certificate authority (PEM). */
        caFile: z.string().min(1).optional(),
        reconnectMinMs: z.number().int().positive().default(500),
        reconnectMaxMs: z.number().int().positive().default(30_000),
      })
      .strict()
      .prefault({}),
    outbox: z
      .object({
        maxPending: z.number().int().positive().default(100_000),
        fsync: z.enum(['always', 'never']).default('always'),
      })
      .strict()
      .prefault({}),
    /**
     * Listen to the site's other counters (their retained state and availability) so an away
     * notice names a colleague who is there now, not one configured who is away or gone home.
     */
    peers: z.boolean().default(true),
    homeAssistant: z
      .object({ enabled: z.boolean().default(false), prefix: z.string().regex(/^[^#+]+$/, 'no MQTT wildcards').default('homeassistant') })
      .strict()
      .prefault({}),
    clock: z.object({ assumeSynced: z.union([z.boolean(), z.literal('auto')]).default('auto') }).strict().prefault({}),
    hardware: z
      .object({
        /** A shipped board profile (sim, pi-gpio, pi-arduino-nano-lcd) or the path of one. */
        profile: z.string().min(1).default('sim'),
        holdMs: z.number().int().positive().optional(),
      })
      .strict()
      .prefault({}),
    panel: z.object({ port: z.number().int().min(0).max(65535).nullable().default(null) }).strict().prefault({}),
  })
  .strict();
export type DeviceConfig = z.infer<typeof DeviceConfig>;

/** Fixes by field (`*`: any badge id); every other problem gets one worked out from it (protocol/errors.ts). */
const FIXES: Record<string, string> = {
  site: 'set "site" to the office site id, e.g. "ratusz"',
  counter: 'set "counter" to this counter\'s id, e.g. "okienko-1"',
  'mqtt.url': 'e.g. "mqtt://broker.local:1883"',
  'mqtt.protocolVersion': 'use 4 (MQTT 3.1.1, any broker) or 5',
  'feedback.scale': 'use 3, 4 or 5 faces',
  'hardware.profile': 'a shipped profile (sim, pi-gpio, pi-arduino-nano-lcd) or a path to one',
  'clock.assumeSynced': 'use true, false or "auto"',
  'roster.*.id': 'give the clerk\'s id, as the office knows them, e.g. "k1"',
  'roster.*.name': 'give the clerk\'s first name and surname as signed on notices, e.g. "Anna Nowak"',
  'roster.*.substitute.name': 'who helps meanwhile, e.g. "Ewa Mazur"',
  'roster.*.substitute.where': 'where to find them, e.g. "pokój 12"',
  'substitute.name': 'who helps meanwhile, e.g. "Jan Kowalski"',
  'substitute.where': 'where to find them, e.g. "stanowisko 3"',
  'clerk.id': 'give the clerk\'s id, e.g. "k1"',
  'clerk.name': 'give the clerk\'s first name and surname, e.g. "Anna Nowak"',
  'away.presets.*.reason': 'use "short", "break", "errand" or "end_of_day"',
  'schedule.hours.*': 'use ["08:00", "16:00"], or null for a day closed (a day left out is closed too)',
};

export function parseDeviceConfig(input: unknown, source: string): DeviceConfig {
  return parseConfig(DeviceConfig, input, source, FIXES);
}

export function machineConfigFrom(c: DeviceConfig): MachineConfig {
  return machineConfig({
    scale: c.feedback.scale,
    awayCommitMs: c.away.commitMs,
    feedbackRepeatMs: c.feedback.repeatMs,
    thanksMs: c.feedback.thanksMs,
    substitute: c.substitute,
    roster: c.roster,
    presets: c.away.presets ?? DEFAULT_PRESETS,
    timeZone: c.timeZone,
  });
}

export function linkOptions(c: DeviceConfig, source = 'device config'): LinkOptions {
  const { caFile, ...mqtt } = c.mqtt;
  return { ...mqtt, ca: caFile ? readCa(caFile, source) : undefined, window: 32, peers: c.peers, homeAssistant: c.homeAssistant.enabled ? { prefix: c.homeAssistant.prefix } : undefined };
}

function readCa(file: string, source: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new ConfigError(source, [`mqtt.caFile: cannot read ${file}: ${(err as Error).message} — give the path of the office CA's certificate (PEM)`]);
  }
}
