import { STATUS_LIGHT } from '@okienko/protocol/wording';
import type { DisplaySize, LightColor } from '@okienko/hardware';
import { displayLines } from './display-text.ts';
import type { MachineConfig, MachineState, ReceivedNotices } from './machine.ts';

/** What the counter's light and display show: the runtime writes only what differs from the last. */
export interface CounterView {
  light: LightColor;
  lines: string[];
}

/** What the view needs besides the machine's state: the screen, the link and the clock. */
export interface ViewContext {
  size: DisplaySize;
  /** False while the counter cannot reach the broker: every page is marked (S7). */
  linkUp: boolean;
  /** The broker refused this counter's login: the display says so, so IT is called. */
  loginRefused: boolean;
  timeZone: string;
  /** Whether the wall clock is synchronised: it decides how a notice's end is read. */
  clockSynced: boolean;
}

/** The light and display as of `now` (pure: no hardware, no clock of its own). */
export function counterView(state: MachineState, now: number, config: MachineConfig, ctx: ViewContext): CounterView {
  return {
    light: STATUS_LIGHT[state.status],
    lines: displayLines(state, now, config, ctx.size, {
      linkUp: ctx.linkUp,
      loginRefused: ctx.loginRefused,
      timeZone: ctx.timeZone,
      notices: showingNotices(state.officeNotices, now, ctx.clockSynced),
    }),
  };
}

/**
 * The notices whose time has not run out. With a synchronised clock, by their end time; without
 * (a Pi before NTP may think it is 1970), by how long they had left when they arrived — a
 * stale notice must never stay up (S7).
 */
export function showingNotices(received: ReceivedNotices | null, now: number, clockSynced: boolean): { text: string; from: string }[] {
  if (!received) return [];
  const { message, receivedAt } = received;
  return message.notices.filter((n) => (clockSynced ? now < n.until : now < receivedAt + (n.until - message.at)));
}
