import type { AwayReason } from '@okienko/protocol/messages';
import { localParts, minutesOfDay, startOfDay } from '@okienko/protocol/time';
import type { MachineConfig, MachineState } from './machine.ts';

/**
 * The away menu (pure, part of the machine): the presets a clerk steps through when leaving, each
 * with the return it would announce as of the first press, soonest first.
 */

/** A choice of the away menu: back in so many minutes, back at a fixed time of day, or end of day. */
export type AwayPreset =
  | {
      reason: AwayReason;
      /** Minutes until the announced return; null for end of day (the counter closes). */
      minutes: number | null;
    }
  | {
      reason: AwayReason;
      /** A fixed return time, "HH:MM" in the office's zone (e.g. lunch until 13:00); offered only before it. */
      at: string;
    };

/** In the order the menu offers them: soonest return first, end of day last. */
export const DEFAULT_PRESETS: readonly AwayPreset[] = [
  { reason: 'short', minutes: 5 },
  { reason: 'short', minutes: 15 },
  { reason: 'break', minutes: 15 },
  { reason: 'errand', minutes: 30 },
  { reason: 'end_of_day', minutes: null },
];

/** One choice of the away menu, with the return it announces (null: end of day). */
export interface AwayChoice {
  reason: AwayReason;
  backAt: number | null;
}

/**
 * The away menu as of `at`: every preset with the time it would announce, soonest first and end
 * of day last; a fixed-time preset whose time has passed (13:00 at 14:10) is not offered.
 */
export function awayMenu(at: number, config: MachineConfig): AwayChoice[] {
  const choices: AwayChoice[] = [];
  for (const p of config.presets) {
    if ('at' in p) {
      const backAt = todayAt(p.at, at, config.timeZone);
      if (backAt > at) choices.push({ reason: p.reason, backAt });
    } else choices.push({ reason: p.reason, backAt: p.minutes === null ? null : roundUpToMinute(at + p.minutes * 60_000) });
  }
  // Stable: equal times keep the configured order.
  return choices.sort((a, b) => (a.backAt ?? Infinity) - (b.backAt ?? Infinity));
}

/** The instant a "HH:MM" falls on in the office's zone, on the calendar day of `at`. */
function todayAt(hhmm: string, at: number, timeZone: string): number {
  const minutes = minutesOfDay(hhmm);
  const guess = startOfDay(at, timeZone) + minutes * 60_000;
  // A day with a daylight-saving change is an hour shorter or longer: correct by what the clock reads.
  return guess + (minutes - localParts(guess, timeZone).minutes) * 60_000;
}

export function choiceOf(selection: NonNullable<MachineState['awaySelection']>, config: MachineConfig): AwayChoice | null {
  return awayMenu(selection.startedAt ?? selection.lastPressAt, config)[selection.index] ?? null;
}

/** "Back at 10:45" reads as a promise; never announce a time with seconds that is already past. */
export function roundUpToMinute(ms: number): number {
  return Math.ceil(ms / 60_000) * 60_000;
}

/** The away choice the clerk is making now, for the display. */
export function selectedPreset(state: MachineState, config: MachineConfig): AwayChoice | null {
  return state.awaySelection ? choiceOf(state.awaySelection, config) : null;
}
