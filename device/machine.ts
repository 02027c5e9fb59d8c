import type { AwayNotice, Clerk, CounterNotices, CounterStatus, Substitute } from '@okienko/protocol/messages';
import type { ButtonId } from '@okienko/hardware';
import { DEFAULT_TIME_ZONE } from '@okienko/protocol/time';
import { chooseSubstitute, type Peers } from './presence.ts';
import { DEFAULT_PRESETS, awayMenu, choiceOf, roundUpToMinute, type AwayChoice, type AwayPreset } from './away-menu.ts';

export { DEFAULT_PRESETS, awayMenu, selectedPreset, type AwayChoice, type AwayPreset } from './away-menu.ts';

/**
 * The counter's pure state machine: step(state, input, now, config) → { state, effects }.
 * No I/O and no clock of its own, so every rule can be tested with made-up times.
 * (Over 300 lines on purpose: the rules of sign-in, closing and leaving call one another, and read
 * best side by side; the away menu's arithmetic is in away-menu.ts.)
 */

/** A clerk on a counter's roster, and who helps residents while they are away (else the counter's default). */
export type RosterEntry = Clerk & { substitute?: Substitute | null };

export interface MachineConfig {
  /** Number of smiley faces (3-5). */
  scale: number;
  presets: readonly AwayPreset[];
  /** A pause this long after the last "away" press commits the selected preset. */
  awayCommitMs: number;
  /** A second vote within this interval of the previous one is kept but flagged. */
  feedbackRepeatMs: number;
  /** How long "Dziękujemy za ocenę" stays on the display. */
  thanksMs: number;
  /** Who helps residents while this counter is away (S1). */
  substitute: Substitute | null;
  /** The counter's roster: badge id → clerk, with who stands in for them (S6, S10). */
  roster: Readonly<Record<string, RosterEntry>>;
  /**
   * A counter without a badge reader, configured for one clerk: the clerk button signs them in
   * when nobody is (null: only a badge signs in).
   */
  fixedClerk: Clerk | null;
  /** The office's zone, for presets with a fixed return time. */
  timeZone: string;
  /** What the counter hears now of its site's other counters (device/presence.ts); null: nothing. */
  peers?: Peers | null;
}

/** The defaults a counter starts from; tests and the simulator change only what they need. */
export function machineConfig(overrides: Partial<MachineConfig> = {}): MachineConfig {
  return {
    scale: 4,
    presets: DEFAULT_PRESETS,
    awayCommitMs: 4000,
    feedbackRepeatMs: 10_000,
    thanksMs: 3000,
    substitute: null,
    roster: {},
    fixedClerk: null,
    timeZone: DEFAULT_TIME_ZONE,
    ...overrides,
  };
}

export interface MachineState {
  status: CounterStatus;
  since: number;
  clerk: Clerk | null;
  notice: AwayNotice | null;
  /**
   * While the clerk is choosing an away preset: the index into the menu as it stood at the first
   * press (`startedAt`: fixed-time presets already past are left out, the rest sorted by return).
   */
  awaySelection: { index: number; lastPressAt: number; startedAt?: number } | null;
  /** The current or most recent service session, which a following vote is credited to. */
  sessionId: string | null;
  lastFeedbackAt: number | null;
  /** Until when the display thanks the resident for a vote. */
  thanksUntil: number | null;
  /**
   * Why the counter is closed: opening hours, the manager, the clerk's end of day, or nobody is
   * signed in (`vacant`: a counter never invites residents to an empty desk).
   */
  closedBy: 'schedule' | 'command' | 'clerk' | 'vacant' | null;
  /** A short message for the clerk (e.g. "sign in first"), shown until this time. */
  hint: { text: 'sign_in' | 'closed' | 'outbox_full' | 'disk_full' | 'unknown_badge' | 'signed_in' | 'signed_out'; until: number } | null;
  /** The office's notices as last received (retained `…/notice`), and when by this counter's clock. */
  officeNotices: ReceivedNotices | null;
}

/** The office's notices and when they arrived: without a synchronised clock, their time left counts from then. */
export interface ReceivedNotices {
  message: CounterNotices;
  receivedAt: number;
}

export type Input =
  | { type: 'press'; button: ButtonId }
  /** A long press: on the clerk button it means "leaving", so one button is enough. */
  | { type: 'hold'; button: ButtonId }
  /** A badge presented to the reader: signs its clerk in, or out if already on duty. */
  | { type: 'badge'; badgeId: string }
  | { type: 'tick' }
  | { type: 'sign_in'; clerk: Clerk }
  | { type: 'sign_out' }
  | { type: 'set_open'; open: boolean }
  /** The opening hours say open or closed (sent when that changes). */
  | { type: 'schedule'; open: boolean }
  /** What the site's other counters say changed (config.peers): an away notice's substitute may have left. */
  | { type: 'peers' }
  /** The office's notices arrived (null: all taken down); shown after the counter's own message. */
  | { type: 'notices'; message: CounterNotices | null; receivedAt: number };

export type StateChange = {
  type: 'state_changed';
  from: CounterStatus;
  to: CounterStatus;
  clerk: Clerk | null;
  notice: AwayNotice | null;
  cause: 'clerk' | 'command' | 'schedule';
};

export type FeedbackDraft = {
  type: 'feedback';
  face: number;
  scale: number;
  clerk: Clerk | null;
  sessionId: string | null;
  flagged: boolean;
};

export type ClerkChange = {
  type: 'clerk_changed';
  clerk: Clerk | null;
  cause: 'badge' | 'end_of_day' | 'config';
};

export type EventDraft = StateChange | FeedbackDraft | ClerkChange;

export type Effect =
  /** Persist and send an event. Effects after it run only once it is durable. */
  | { type: 'emit'; event: EventDraft }
  /** Blink the light to confirm a vote to the resident. */
  | { type: 'confirm_feedback' };

export interface StepResult {
  state: MachineState;
  effects: Effect[];
}

/** A counter starts free with its clerk, or closed when nobody is signed in. */
export function initialState(now: number, clerk: Clerk | null): MachineState {
  return {
    status: clerk ? 'available' : 'closed',
    since: now,
    clerk,
    notice: null,
    awaySelection: null,
    sessionId: null,
    lastFeedbackAt: null,
    thanksUntil: null,
    hint: null,
    closedBy: clerk ? null : 'vacant',
    officeNotices: null,
  };
}

const HINT_MS = 4000;

export function step(state: MachineState, input: Input, now: number, config: MachineConfig): StepResult {
  switch (input.type) {
    case 'press':
      return press(state, input.button, now, config);
    case 'hold':
      return input.button === 'clerk' || input.button === 'away' ? awayPress(state, now, config) : { state, effects: [] };
    case 'badge':
      return badge(state, input.badgeId, now, config);
    case 'tick':
      return tick(state, now, config);
    case 'sign_in':
      return signIn(state, input.clerk, 'config', now);
    case 'sign_out':
      return signIn(state, null, 'config', now);
    case 'set_open':
      if (input.open === (state.status !== 'closed')) return { state, effects: [] };
      // The manager lifts a closure, but an empty desk stays closed until someone signs in.
      if (input.open && !state.clerk) return state.closedBy === 'vacant' ? { state, effects: [] } : { state: { ...state, closedBy: 'vacant' }, effects: [] };
      return transition(state, input.open ? 'available' : 'closed', now, null, 'command');
    case 'schedule':
      return schedule(state, input.open, now);
    case 'peers':
      return resubstitute(state, config);
    case 'notices':
      // Nothing to record or publish: the notices are the office's, on their own retained topic.
      return { state: { ...state, officeNotices: input.message && { message: input.message, receivedAt: input.receivedAt } }, effects: [] };
  }
}

/**
 * The colleague an away notice sends residents to has left too (away, gone home, offline), or
 * someone is back where nobody was: the notice names who is there now. No event: who stands in
 * is not a change of the counter's state; the retained state carries the notice as it stands.
 */
function resubstitute(state: MachineState, config: MachineConfig): StepResult {
  const notice = state.notice;
  if (state.status !== 'away' || !notice) return { state, effects: [] };
  const substitute = substituteFor(notice.signedBy, config);
  if (substitute?.name === notice.substitute?.name && substitute?.where === notice.substitute?.where) return { state, effects: [] };
  return { state: { ...state, notice: { ...notice, substitute } }, effects: [] };
}

function schedule(state: MachineState, open: boolean, now: number): StepResult {
  if (open) {
    // Opening time reopens only what closing time closed; a manager's closure stands.
    if (state.status !== 'closed' || state.closedBy !== 'schedule') return { state, effects: [] };
    // Nobody signed in yet (closing time signed everyone out): closed until a clerk signs in.
    if (!state.clerk) return { state: { ...state, closedBy: 'vacant' }, effects: [] };
    return transition(state, 'available', now, null, 'schedule');
  }
  if (state.status === 'closed') {
    // Outside the hours they hold it closed, whoever closed it before (a manager's closure stands):
    // a clerk who badges in early, or whose end of day came first, does not open it before its time.
    if (state.closedBy === 'schedule' || state.closedBy === 'command') return { state, effects: [] };
    return { state: { ...state, closedBy: 'schedule' }, effects: [] };
  }
  // Closing time is the end of the day: the counter closes and the clerk is signed out.
  const closed = transition(state, 'closed', now, null, 'schedule');
  const out = signIn(closed.state, null, 'end_of_day', now);
  return { state: { ...out.state, hint: null }, effects: [...closed.effects, ...out.effects] };
}

function badge(state: MachineState, badgeId: string, now: number, config: MachineConfig): StepResult {
  const entry = config.roster[badgeId];
  const clerk = entry ? { id: entry.id, name: entry.name } : undefined;
  if (!clerk) return { state: { ...state, hint: { text: 'unknown_badge', until: now + HINT_MS } }, effects: [] };
  // The same badge again signs out; another clerk's badge takes over the counter.
  const next = state.clerk?.id === clerk.id ? null : clerk;
  return signIn(state, next, 'badge', now);
}

/**
 * The clerk on duty changes. A counter with nobody signed in is closed, so signing out closes it
 * (as the clerk who leaves) and signing in opens a counter closed for want of a clerk or by the
 * clerk's own end of day — never one closed by the hours or the manager. A clerk who takes over
 * an away counter is there: the notice signed by the one before is taken down, not left up as if
 * the new clerk had written it.
 */
function signIn(state: MachineState, clerk: Clerk | null, cause: ClerkChange['cause'], now: number): StepResult {
  if ((state.clerk?.id ?? null) === (clerk?.id ?? null)) return { state, effects: [] };
  const hint = { text: clerk ? ('signed_in' as const) : ('signed_out' as const), until: now + HINT_MS };
  const changed: EventDraft = { type: 'clerk_changed', clerk, cause };
  if (!clerk) {
    // Closing first, so the state change is credited to the clerk who left.
    const closed = state.status === 'closed' ? { state: { ...state, awaySelection: null }, effects: [] } : transition(state, 'closed', now, null, 'clerk');
    const closedBy = state.status === 'closed' ? state.closedBy : 'vacant';
    return { state: { ...closed.state, clerk: null, hint, closedBy }, effects: [...closed.effects, { type: 'emit', event: changed }] };
  }
  const signed: MachineState = { ...state, clerk, hint, awaySelection: null };
  const effects: Effect[] = [{ type: 'emit', event: changed }];
  const opens = state.status === 'closed' && (state.closedBy === 'vacant' || state.closedBy === 'clerk');
  if (opens || state.status === 'away') {
    const open = transition(signed, 'available', now, null, 'clerk');
    return { state: { ...open.state, hint }, effects: [...effects, ...open.effects] };
  }
  return { state: signed, effects };
}

function press(state: MachineState, button: ButtonId, now: number, config: MachineConfig): StepResult {
  if (button.startsWith('face-')) return feedback(state, Number(button.slice(5)), now, config);
  if (button === 'away') return awayPress(state, now, config);
  // The clerk button: cancel a half-made away choice, come back, or toggle free ⇄ serving.
  if (state.awaySelection) return { state: { ...state, awaySelection: null }, effects: [] };
  switch (state.status) {
    case 'available':
      return transition(state, 'serving', now, null, 'clerk');
    case 'serving':
    case 'away':
      return transition(state, 'available', now, null, 'clerk');
    case 'closed':
      if (!state.clerk && (state.closedBy === 'vacant' || state.closedBy === 'clerk')) {
        // Nobody at the desk: the configured clerk signs in with the button, else a badge is needed.
        if (config.fixedClerk) return signIn(state, config.fixedClerk, 'config', now);
        return { state: { ...state, hint: { text: 'sign_in', until: now + HINT_MS } }, effects: [] };
      }
      return { state: { ...state, hint: { text: 'closed', until: now + HINT_MS } }, effects: [] };
  }
}

function awayPress(state: MachineState, now: number, config: MachineConfig): StepResult {
  if (state.status === 'closed' && !state.clerk && state.closedBy === 'vacant') {
    return { state: { ...state, hint: { text: 'sign_in', until: now + HINT_MS } }, effects: [] };
  }
  if (state.status === 'closed') {
    return { state: { ...state, hint: { text: 'closed', until: now + HINT_MS } }, effects: [] };
  }
  if (!state.clerk) {
    // An away notice must be signed (S1): without a clerk on duty there is no one to sign it.
    return { state: { ...state, hint: { text: 'sign_in', until: now + HINT_MS } }, effects: [] };
  }
  const startedAt = state.awaySelection?.startedAt ?? now;
  const count = awayMenu(startedAt, config).length;
  if (count === 0) return { state, effects: [] };
  const index = state.awaySelection ? (state.awaySelection.index + 1) % count : 0;
  return { state: { ...state, awaySelection: { index, lastPressAt: now, startedAt } }, effects: [] };
}

function tick(state: MachineState, now: number, config: MachineConfig): StepResult {
  let next = state;
  if (next.thanksUntil !== null && now >= next.thanksUntil) next = { ...next, thanksUntil: null };
  if (next.hint && now >= next.hint.until) next = { ...next, hint: null };
  const selection = next.awaySelection;
  if (selection && now - selection.lastPressAt >= config.awayCommitMs) {
    return commitAway({ ...next, awaySelection: null }, choiceOf(selection, config), now, config);
  }
  return { state: next, effects: [] };
}

function commitAway(state: MachineState, choice: AwayChoice | null, now: number, config: MachineConfig): StepResult {
  if (!choice || !state.clerk) return { state, effects: [] };
  if (choice.backAt === null) {
    // End of day: the counter closes and the clerk is signed out, each an event of its own.
    const closed = transition(state, 'closed', now, null, 'clerk');
    const out = signIn(closed.state, null, 'end_of_day', now);
    return { state: { ...out.state, hint: null }, effects: [...closed.effects, ...out.effects] };
  }
  const notice: AwayNotice = {
    // A time announced as the menu showed it; never one already past when the pause commits it.
    backAt: Math.max(choice.backAt, roundUpToMinute(now)),
    reason: choice.reason,
    substitute: substituteFor(state.clerk, config),
    signedBy: state.clerk,
  };
  return transition(state, 'away', now, notice, 'clerk');
}

function transition(
  state: MachineState,
  to: CounterStatus,
  now: number,
  notice: AwayNotice | null,
  cause: StateChange['cause'],
): StepResult {
  // A new service session starts each time the clerk begins serving; a vote after it is credited to it.
  const sessionId = to === 'serving' ? `s${now.toString(36)}` : state.sessionId;
  const closedBy = to === 'closed' ? (cause === 'schedule' ? 'schedule' : cause === 'command' ? 'command' : 'clerk') : null;
  const next: MachineState = { ...state, status: to, since: now, notice, awaySelection: null, sessionId, closedBy };
  const event: StateChange = { type: 'state_changed', from: state.status, to, clerk: state.clerk, notice, cause };
  return { state: next, effects: [{ type: 'emit', event }] };
}

function feedback(state: MachineState, face: number, now: number, config: MachineConfig): StepResult {
  if (!Number.isInteger(face) || face < 1 || face > config.scale) return { state, effects: [] };
  // A repeat within the interval is kept but flagged; so is a vote on a closed counter, where no
  // one was served (a passer-by, or a child at the buttons after hours).
  const flagged = state.status === 'closed' || (state.lastFeedbackAt !== null && now - state.lastFeedbackAt < config.feedbackRepeatMs);
  const event: FeedbackDraft = {
    type: 'feedback',
    face,
    scale: config.scale,
    clerk: state.clerk,
    sessionId: state.sessionId,
    flagged,
  };
  return {
    state: { ...state, lastFeedbackAt: now, thanksUntil: now + config.thanksMs },
    effects: [{ type: 'emit', event }, { type: 'confirm_feedback' }],
  };
}

/**
 * The clerk's own substitute from the roster, else the counter's — never the clerk who is leaving
 * (a clerk signed in at another counter than their usual one may be this counter's configured
 * substitute), and, where the counter hears its site's other counters, one who is there now.
 */
export function substituteFor(clerk: Clerk, config: MachineConfig): Substitute | null {
  const entry = Object.values(config.roster).find((r) => r.id === clerk.id);
  const roster = new Set(Object.values(config.roster).map((r) => r.name));
  return chooseSubstitute(clerk, [entry?.substitute ?? null, config.substitute], config.peers ?? null, roster);
}
