import type { Clerk } from '@okienko/protocol/messages';
import { DEFAULT_TIME_ZONE } from '@okienko/protocol/time';
import type { CounterRef } from '@okienko/protocol/topics';
import { machineConfig, type MachineConfig } from './machine.ts';
import type { OutboxOptions } from './outbox.ts';
import type { LinkOptions } from './link.ts';
import type { Schedule } from './schedule.ts';
import type { ResumeState } from './saved-state.ts';

/** What the runtime itself runs by (CounterDevice's constructor). */
export interface CounterRuntimeOptions {
  ref: CounterRef;
  /** Where the saved state lives (and, with CounterDevice.open, the outbox). */
  dataDir: string;
  machine: MachineConfig;
  /** Clerk signed in at first start (until badge readers arrive). */
  clerk: Clerk | null;
  timeZone: string;
  tickMs: number;
  /** How long a clean stop waits for the outbox to drain (default 5 s). */
  flushOnStopMs?: number;
  /** Opening hours; without them the counter is never closed by the clock. */
  schedule?: Schedule | undefined;
  /** How long the clerk button is held before it counts as "leaving" (and again for each next preset). */
  holdMs: number;
  /**
   * Where a counter with no saved state begins, instead of free with `clerk`: the state its
   * recorded past left it in (the demo's history, which ends with a clerk away). A saved state wins.
   */
  resume?: ResumeState | undefined;
}

/** Everything a counter is built from (CounterDevice.open): the runtime's options, its outbox and its link. */
export interface CounterDeviceOptions extends CounterRuntimeOptions {
  link: LinkOptions;
  outbox?: Partial<OutboxOptions>;
  version: string;
  panelUrl?: string | undefined;
}

/**
 * Options with the defaults a counter runs with, for the few places that build one by hand (the
 * simulator, tests, benchmarks): give the counter, its data folder and its broker, change the rest.
 */
export function counterDeviceOptions(
  required: { ref: CounterRef; dataDir: string; url: string },
  overrides: Partial<Omit<CounterDeviceOptions, 'link'>> & { link?: Partial<LinkOptions> } = {},
): CounterDeviceOptions {
  const { link, ...rest } = overrides;
  return {
    ref: required.ref,
    dataDir: required.dataDir,
    machine: machineConfig(),
    clerk: null,
    timeZone: DEFAULT_TIME_ZONE,
    version: 'dev',
    tickMs: 250,
    holdMs: 1500,
    ...rest,
    link: { url: required.url, keepaliveS: 30, protocolVersion: 4, reconnectMinMs: 500, reconnectMaxMs: 30_000, window: 32, ...link },
  };
}
