import fs from 'node:fs';
import { z } from 'zod';
import { Clerk, Substitute } from '@okienko/protocol/messages';
import { ConfigError, parseConfig } from '@okienko/protocol/errors';
import { CounterId, SiteId } from '@okienko/protocol/ids';
import { DEFAULT_TIME_ZONE } from '@okienko/protocol/time';
import { machineConfig, type MachineConfig } from './machine.ts';
import type { LinkOptions } from './link.ts';
import { Schedule } from './schedule.ts';

/** One counter's configuration (`okienko device --config FILE`). Every field but site and counter has a default. */
export const DeviceConfig = z
  .object({
    version: z.literal(1).default(1),
    site: SiteId,
    counter: CounterId,
    dataDir: z.string().min(1).default('./data/device'),
    timeZone: z.string().default(DEFAULT_TIME_ZONE),
    clerk: Clerk.nullable().default(null),
    substitute: Substitute.nullable().default(null),
    feedback: z
      .object({
        scale: z.number().int().min(3).max(5).default(4),
        repeatMs: z.number().int().nonnegative().default(10_000),
        thanksMs: z.number().int().positive().default(3_000),
      })
      .prefault({}),
    away: z
      .object({
        commitMs: z.number().int().positive().default(4_000),
        /** Holding the clerk button this long means "leaving"; each further holdMs, the next preset. */
        holdMs: z.number().int().positive().default(1_500),
      })
      .prefault({}),
    /** Opening hours and days off; outside them the counter is closed. */
    schedule: Schedule.optional(),
    /** Badge id → clerk, for sign-in with the badge reader. */
    roster: z.record(z.string().min(1), Clerk.extend({ substitute: Substitute.nullable().optional() })).default({}),
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
      .prefault({}),
    outbox: z
      .object({
        maxPending: z.number().int().positive().default(100_000),
        fsync: z.enum(['always', 'never']).default('always'),
      })
      .prefault({}),
    homeAssistant: z
      .object({ enabled: z.boolean().default(false), prefix: z.string().regex(/^[^#+]+$/, 'no MQTT wildcards').default('homeassistant') })
      .strict()
      .prefault({}),
    clock: z.object({ assumeSynced: z.union([z.boolean(), z.literal('auto')]).default('auto') }).prefault({}),
    hardware: z
      .object({
        /** A shipped board profile (sim, pi-gpio, pi-arduino-nano-lcd) or the path of one. */
        profile: z.string().min(1).default('sim'),
        holdMs: z.number().int().positive().optional(),
      })
      .strict()
      .prefault({}),
    panel: z.object({ port: z.number().int().min(0).max(65535).nullable().default(null) }).prefault({}),
  })
  .strict();
export type DeviceConfig = z.infer<typeof DeviceConfig>;

const FIXES: Record<string, string> = {
  site: 'set "site" to the office site id, e.g. "ratusz"',
  counter: 'set "counter" to this counter\'s id, e.g. "okienko-1"',
  'mqtt.url': 'e.g. "mqtt://broker.local:1883"',
  'feedback.scale': 'use 3, 4 or 5 faces',
  'hardware.profile': 'a shipped profile (sim, pi-gpio, pi-arduino-nano-lcd) or a path to one',
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
  });
}

export function linkOptions(c: DeviceConfig, source = 'device config'): LinkOptions {
  const { caFile, ...mqtt } = c.mqtt;
  return { ...mqtt, ca: caFile ? readCa(caFile, source) : undefined, window: 32, homeAssistant: c.homeAssistant.enabled ? { prefix: c.homeAssistant.prefix } : undefined };
}

function readCa(file: string, source: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new ConfigError(source, [`mqtt.caFile: cannot read ${file}: ${(err as Error).message} — give the path of the office CA's certificate (PEM)`]);
  }
}
