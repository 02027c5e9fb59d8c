import type { AwayNotice, AwayReason, Clerk, CounterStatus, Substitute } from '@okienko/protocol/messages';
import type { ButtonId } from '@okienko/hardware';

/**
 * The counter's pure state machine: step(state, input, now, config) → { state, effects }.
 * No I/O and no clock of its own, so every rule can be tested with made-up times.
 */

/** A clerk on a counter's roster, and who helps residents while they are away (else the counter's default). */
export type RosterEntry = Clerk & { substitute?: Substitute | null };

export interface AwayPreset {
  reason: AwayReason;
  /** Minutes until the announced return; null for end of day (the counter closes). */
  minutes: number | null;
}

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
}

export const DEFAULT_PRESETS: readonly AwayPreset[] = [
  { reason: 'short', minutes: 5 },
  { reason: 'short', minutes: 15 },
  { reason: 'errand', minutes: 30 },
  { reason: 'break', minutes: 15 },
  { reason: 'end_of_day', minutes: null },
];

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
    ...overrides,
  };
}

export interface MachineState {
  status: CounterStatus;
  since: number;
  clerk: Clerk | null;
  notice: AwayNotice | null;
  /** While the clerk is choosing an away preset. */
  awaySelection: { index: number; lastPressAt: number } | null;
  /** The current or most recent service session, which a following vote is credited to. */
  sessionId: string | null;
  lastFeedbackAt: number | null;
  /** Until when the display thanks the resident for a vote. */
  thanksUntil: number | null;
  /** Why the counter is closed: opening hours, the manager, or the clerk's end of day. */
  closedBy: 'schedule' | 'command' | 'clerk' | null;
  /** A short message for the clerk (e.g. "sign in first"), shown until this time. */
  hint: { text: 'sign_in' | 'closed' | 'outbox_full' | 'disk_full' | 'unknown_badge' | 'signed_in' | 'signed_out'; until: number } | null;
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
  | { type: 'schedule'; open: boolean };

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

export function initialState(now: number, clerk: Clerk | null): MachineState {
  return {
    status: 'available',
    since: now,
    clerk,
    notice: null,
    awaySelection: null,
    sessionId: null,
    lastFeedbackAt: null,
    thanksUntil: null,
    hint: null,
    closedBy: null,
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
      return transition(state, input.open ? 'available' : 'closed', now, null, 'command');
    case 'schedule':
      return schedule(state, input.open, now);
  }
}

function schedule(state: MachineState, open: boolean, now: number): StepResult {
  if (open) {
    // Opening time reopens only what closing time closed; a manager's closure stands.
    if (state.status !== 'closed' || state.closedBy !== 'schedule') return { state, effects: [] };
    return transition(state, 'available', now, null, 'schedule');
  }
  if (state.status === 'closed') return { state, effects: [] };
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

function signIn(state: MachineState, clerk: Clerk | null, cause: ClerkChange['cause'], now: number): StepResult {
  if ((state.clerk?.id ?? null) === (clerk?.id ?? null)) return { state, effects: [] };
  const hint = { text: clerk ? ('signed_in' as const) : ('signed_out' as const), until: now + HINT_MS };
  return {
    state: { ...state, clerk, hint },
    effects: [{ type: 'emit', event: { type: 'clerk_changed', clerk, cause } }],
  };
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
      return { state: { ...state, hint: { text: 'closed', until: now + HINT_MS } }, effects: [] };
  }
}

function awayPress(state: MachineState, now: number, config: MachineConfig): StepResult {
  if (state.status === 'closed') {
    return { state: { ...state, hint: { text: 'closed', until: now + HINT_MS } }, effects: [] };
  }
  if (!state.clerk) {
    // An away notice must be signed (S1): without a clerk on duty there is no one to sign it.
    return { state: { ...state, hint: { text: 'sign_in', until: now + HINT_MS } }, effects: [] };
  }
  const index = state.awaySelection ? (state.awaySelection.index + 1) % config.presets.length : 0;
  return { state: { ...state, awaySelection: { index, lastPressAt: now } }, effects: [] };
}

function tick(state: MachineState, now: number, config: MachineConfig): StepResult {
  let next = state;
  if (next.thanksUntil !== null && now >= next.thanksUntil) next = { ...next, thanksUntil: null };
  if (next.hint && now >= next.hint.until) next = { ...next, hint: null };
  const selection = next.awaySelection;
  if (selection && now - selection.lastPressAt >= config.awayCommitMs) {
    return commitAway({ ...next, awaySelection: null }, selection.index, now, config);
  }
  return { state: next, effects: [] };
}

function commitAway(state: MachineState, index: number, now: number, config: MachineConfig): StepResult {
  const preset = config.presets[index];
  if (!preset || !state.clerk) return { state, effects: [] };
  if (preset.minutes === null) {
    // End of day: the counter closes and the clerk is signed out, each an event of its own.
    const closed = transition(state, 'closed', now, null, 'clerk');
    const out = signIn(closed.state, null, 'end_of_day', now);
    return { state: { ...out.state, hint: null }, effects: [...closed.effects, ...out.effects] };
  }
  const notice: AwayNotice = {
    backAt: roundUpToMinute(now + preset.minutes * 60_000),
    reason: preset.reason,
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

/** The clerk's own substitute from the roster, else the counter's. */
function substituteFor(clerk: Clerk, config: MachineConfig): Substitute | null {
  const entry = Object.values(config.roster).find((r) => r.id === clerk.id);
  return entry?.substitute !== undefined ? entry.substitute : config.substitute;
}

/** "Back at 10:45" reads as a promise; never announce a time with seconds that is already past. */
function roundUpToMinute(ms: number): number {
  return Math.ceil(ms / 60_000) * 60_000;
}

/** The away preset the clerk is currently choosing, for the display. */
export function selectedPreset(state: MachineState, config: MachineConfig): AwayPreset | null {
  return state.awaySelection ? (config.presets[state.awaySelection.index] ?? null) : null;
}
