import { z } from 'zod';
import { CounterId, EpochMs, SiteId } from './ids.ts';
import { storable } from './text.ts';

/** States a counter reports about itself. `offline` is never sent by a counter: the broker's last will says it. */
export const CounterStatus = z.enum(['available', 'serving', 'away', 'closed']);
export type CounterStatus = z.infer<typeof CounterStatus>;

/** What the central side shows: a counter's own status, or offline. */
export const FleetStatus = z.enum([...CounterStatus.options, 'offline']);
export type FleetStatus = z.infer<typeof FleetStatus>;

export const Clerk = z.object({
  id: storable(z.string().min(1).max(64)),
  /** First name and surname, as signed on the away notice (S1, S6). */
  name: storable(z.string().min(1).max(80)),
});
export type Clerk = z.infer<typeof Clerk>;

export const AwayReason = z.enum(['short', 'break', 'errand', 'end_of_day']);
export type AwayReason = z.infer<typeof AwayReason>;

export const Substitute = z.object({
  name: storable(z.string().min(1).max(80)),
  /** Where to find them, e.g. "stanowisko 3". */
  where: storable(z.string().min(1).max(80)),
});
export type Substitute = z.infer<typeof Substitute>;

/** The "Zaraz wracam" notice (S1, S2): when, why, who helps meanwhile, signed. */
export const AwayNotice = z.object({
  backAt: EpochMs,
  reason: AwayReason,
  substitute: Substitute.nullable(),
  signedBy: Clerk,
});
export type AwayNotice = z.infer<typeof AwayNotice>;

const envelope = {
  v: z.literal(1),
  site: SiteId,
  counter: CounterId,
};

/** What a counter reports of itself in its state (shown on the dashboard's devices page). */
export const DeviceHealth = z.object({
  outboxPending: z.number().int().nonnegative(),
  outboxRefused: z.number().int().nonnegative(),
  /** The last press could not be recorded: the SD card is full (sent only while it is). */
  diskFull: z.boolean().optional(),
});
export type DeviceHealth = z.infer<typeof DeviceHealth>;

/** Retained on .../state: the counter's current state, so a late subscriber sees it at once. */
export const CounterState = z.object({
  ...envelope,
  status: CounterStatus,
  since: EpochMs,
  clerk: Clerk.nullable(),
  notice: AwayNotice.nullable(),
  /** Sequence number of the last event the counter emitted; lets the bridge spot gaps. */
  seq: z.number().int().nonnegative(),
  at: EpochMs,
  clockSynced: z.boolean(),
  /** How many smiley faces this counter offers (3-5). */
  scale: z.number().int().min(3).max(5),
  /**
   * Whether the counter's opening hours say it should be open now; null when it has none. Lets
   * the central side tell "closed for the day" from "closed during hours, nobody there" (S5).
   */
  inHours: z.boolean().nullable().optional(),
  /** The device's own health: what waits in its outbox, and what it had to refuse when full. */
  health: DeviceHealth.optional(),
});
export type CounterState = z.infer<typeof CounterState>;

const eventBase = {
  ...envelope,
  id: z.uuid(),
  /** Per counter, starts at 1, never goes back (it survives reboot). */
  seq: z.number().int().positive(),
  /** Device time; only trustworthy where clockSynced is true (a Pi has no battery clock). */
  at: EpochMs,
  clockSynced: z.boolean(),
  bootId: storable(z.string().min(1).max(64)),
  /**
   * Set when the event is sent after a reconnect, having been recorded while the link was down:
   * it is history, and alerts should not fire on it as if it were news.
   */
  historical: z.boolean().optional(),
};

export const StateChangedEvent = z.object({
  ...eventBase,
  type: z.literal('state_changed'),
  from: CounterStatus,
  to: CounterStatus,
  clerk: Clerk.nullable(),
  notice: AwayNotice.nullable(),
  cause: z.enum(['clerk', 'schedule', 'command', 'boot']),
});
export type StateChangedEvent = z.infer<typeof StateChangedEvent>;

export const FeedbackEvent = z
  .object({
    ...eventBase,
    type: z.literal('feedback'),
    /** 1 = unhappiest face … scale = happiest. */
    face: z.number().int().min(1).max(5),
    scale: z.number().int().min(3).max(5),
    /** Clerk on duty when the face was pressed; feedback itself is anonymous (M6). */
    clerk: Clerk.nullable(),
    /** Service session the vote follows, where there was one. */
    sessionId: storable(z.string().max(64)).nullable(),
    /** A repeat press within the response interval: kept, but flagged so it can't skew a day. */
    flagged: z.boolean(),
  })
  .refine((e) => e.face <= e.scale, { message: 'face must not exceed scale', path: ['face'] });
export type FeedbackEvent = z.infer<typeof FeedbackEvent>;

/** The clerk on duty changed: a badge at the reader, end of day, or the device's config. */
export const ClerkChangedEvent = z.object({
  ...eventBase,
  type: z.literal('clerk_changed'),
  clerk: Clerk.nullable(),
  cause: z.enum(['badge', 'end_of_day', 'config']),
});
export type ClerkChangedEvent = z.infer<typeof ClerkChangedEvent>;

export const CounterEvent = z.discriminatedUnion('type', [StateChangedEvent, FeedbackEvent, ClerkChangedEvent]);
export type CounterEvent = z.infer<typeof CounterEvent>;
/** An event before the outbox gives it its sequence number (Omit spread over each event type). */
export type UnsequencedEvent = CounterEvent extends infer E ? (E extends unknown ? Omit<E, 'seq'> : never) : never;

/** Retained on .../availability; the offline form is also the counter's last will. */
export const Availability = z.object({
  ...envelope,
  status: z.enum(['online', 'offline']),
  /** Changes on every start, so a stale will can be told from a fresh connection. */
  bootId: storable(z.string().min(1).max(64)),
  at: EpochMs,
  version: storable(z.string().max(32)).optional(),
  /** Where a person can open this counter's virtual panel (simulated counters only). */
  panelUrl: storable(z.url()).optional(),
});
export type Availability = z.infer<typeof Availability>;

const commandBase = { ...envelope, id: z.uuid(), at: EpochMs };

/** Sent by the central side on .../command. */
export const CounterCommand = z.discriminatedUnion('type', [
  z.object({ ...commandBase, type: z.literal('resend_state') }),
  z.object({ ...commandBase, type: z.literal('set_open'), open: z.boolean() }),
]);
export type CounterCommand = z.infer<typeof CounterCommand>;

/** A message from the office to counters' displays, e.g. "Od 12:00 przerwa techniczna systemu". */
export const Notice = z.object({
  id: z.uuid(),
  text: storable(z.string().trim().min(1).max(200)),
  /** Who it is from, as the display signs it: e.g. "Kierownik BOM". */
  from: storable(z.string().trim().min(1).max(80)),
  at: EpochMs,
  /** Never shown after this: stale information is a fault (S7). */
  until: EpochMs,
});
export type Notice = z.infer<typeof Notice>;

/**
 * Retained on .../notice, sent by the central side: every notice that should be on this counter's
 * display now (its own and its site's). The whole list each time, so the latest message is the
 * truth and a counter that reconnects gets it again.
 */
export const CounterNotices = z.object({ ...envelope, at: EpochMs, notices: z.array(Notice).max(20) });
export type CounterNotices = z.infer<typeof CounterNotices>;

/** One schema per topic kind: what the bridge validates each incoming message with. */
export const SCHEMA_BY_KIND = {
  state: CounterState,
  event: CounterEvent,
  availability: Availability,
  command: CounterCommand,
  notice: CounterNotices,
} as const;
