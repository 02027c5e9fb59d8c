import type { AlertFacts, AlertKind, AlertView, AwayNotice, Clerk, CounterEvent, CounterRef, CounterStatus } from '@okienko/protocol';

/** A counter's key in maps: site and counter names are topic levels, so they hold no '/'. */
export const counterKey = (ref: CounterRef): string => `${ref.site}/${ref.counter}`;

export type Projector = (row: CounterRow | null) => CounterRow | null;

/** A counter as the central side knows it. `status` is what it last said; `online` is what the broker says. */
export interface CounterRow {
  site: string;
  counter: string;
  status: CounterStatus;
  online: boolean;
  bootId: string | null;
  clerk: Clerk | null;
  since: number | null;
  notice: AwayNotice | null;
  seq: number;
  scale: number;
  lastSeen: number;
  panelUrl: string | null;
  version: string | null;
  /**
   * Bridge time minus device time for the current boot, measured when it came online: lets the
   * bridge date events from a Pi whose clock is not synchronised (no battery clock).
   */
  clockOffsetMs?: number | null;
  /** What the device last said of its own health, and whether its clock is synchronised. */
  health?: { outboxPending: number; outboxRefused: number } | null;
  clockSynced?: boolean | null;
  /**
   * When the device first said its clock is unsynchronised since it last said it is synchronised
   * (bridge time): the clock alert's grace counts from here, so a Pi that reboots and waits a
   * minute for NTP raises nothing. A reboot does not restart it: still unsynchronised is not new.
   */
  clockUnsyncedAt?: number | null;
  /** Whether the counter's own opening hours say it should be open now (null: it has none). */
  inHours?: boolean | null;
  /** Highest event sequence number stored (the retained state's `seq` may run ahead of it). */
  lastEventSeq?: number;
  /** Event sequence numbers skipped below it: a gap, until they arrive. */
  missing?: number[];
  /**
   * When the bridge learned the counter went offline (bridge time; null while online): the
   * offline alert's grace counts from here — from its last message, a quiet counter that rebooted
   * was "offline" at once. Absent on rows from before it was kept.
   */
  offlineAt?: number | null;
  /**
   * When the bridge first heard of the counter (bridge time): reports count the time before a
   * counter's first stored state change from here, never from before it existed. Absent on rows
   * from before it was kept.
   */
  firstSeen?: number;
}

export interface EventTimes {
  receivedAt: number;
  /**
   * When it happened, as best known (projection.ts `effectiveTime`): a time, or worked out from
   * the counter's row as it stood before this event, read in the same transaction.
   */
  effectiveAt: number | ((previous: CounterRow | null) => number);
}

export interface RecordedEvent {
  outcome: 'stored' | 'duplicate';
  /** The counter's row after this event; null for a duplicate. */
  row: CounterRow | null;
  /** The counter's row before it, read under the same lock. */
  previous: CounterRow | null;
}

/** An event to store once, with what moves its counter's row on. */
export interface EventWrite {
  kind: 'event';
  event: CounterEvent;
  times: EventTimes;
  project: Projector;
  /**
   * The event's JSON as the counter sent it, when that parses to exactly `event` (the schema took
   * it as sent: broker-bridge/ingest/accepts.ts): stored as it is, not made again from the event — writing
   * the JSON anew was a microsecond of every event's work in the bridge.
   */
  text?: string;
  /**
   * The same JSON as the bytes received, where they are valid UTF-8 (so `text` is exactly their
   * decoding): a store that sends bytes copies them instead of encoding `text` again.
   */
  bytes?: Buffer;
}

/** The JSON a store keeps for an event: as sent where that is the event, else written anew. */
export const eventJson = (op: EventWrite): string => op.text ?? JSON.stringify(op.event);

/** One write in a batch: an event to store once, or a counter's row to move on. */
export type WriteOp = EventWrite | { kind: 'counter'; ref: CounterRef; project: Projector };

/** What became of one write: for 'counter', `row` is null when the projector changed nothing. */
export interface WriteResult {
  outcome: 'stored' | 'duplicate' | 'counter';
  row: CounterRow | null;
  previous: CounterRow | null;
}

/** The moments of a batch's write before it is durable, for whoever can act on them early. */
export interface WriteHooks {
  /**
   * The batch holds its place: a batch written from now on comes after it for every counter they
   * share, so the caller may start the next one. SQLite: at the commit (one writer). PostgreSQL:
   * once the batch holds its counters' locks — the next batch waits there for the shared ones.
   */
  ordered?(): void;
  /**
   * Committed and readable, maybe not yet durable (SQLite syncs its WAL after the commit,
   * wal-sync.ts): for what is only shown, like the live stream. What is promised (the broker's
   * acknowledgement) waits for the promise; should the sync then fail, it rejects — shown, not
   * acknowledged, and sent again by the broker.
   */
  committed?(results: WriteResult[]): void;
}

/** Which alerts to list: still holding or ended, where, which kind, raised when (epoch ms, `to` exclusive). */
export interface AlertFilter {
  open?: boolean | undefined;
  site?: string | undefined;
  kind?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  limit: number;
}

export interface StoredEvent {
  event: CounterEvent;
  receivedAt: number;
  /** Device time where its clock was synchronised, else corrected by the boot's clock offset, else the receive time. */
  effectiveAt: number;
}

export interface EventFilter {
  site?: string | undefined;
  counter?: string | undefined;
  type?: CounterEvent['type'] | undefined;
  from?: number | undefined;
  to?: number | undefined;
  limit: number;
}

/**
 * Where the bridge keeps events and the current state of every counter. Every method is async so
 * a networked database fits behind the same interface; each write is durable when it resolves.
 */
export interface Store {
  /**
   * Several writes in one transaction, in order, all or none: a batch costs one commit (one fsync)
   * however many messages it holds. A counter's writes see each other's rows, so a batch behaves
   * exactly as the same writes one by one. Concurrent bridges serialise per counter.
   *
   * The promise resolves once the batch is durable; `hooks` say when it got there (WriteHooks).
   */
  write(ops: readonly WriteOp[], hooks?: WriteHooks): Promise<WriteResult[]>;
  /**
   * Store the event and move its counter's row on, in one transaction. 'duplicate' when an event
   * with this id is already stored (idempotent); then the row is left alone.
   */
  recordEvent(event: CounterEvent, times: EventTimes, project: Projector): Promise<RecordedEvent>;
  /** Move a counter's row on; resolves to the new row, or null when the projector changed nothing. */
  updateCounter(ref: CounterRef, project: Projector): Promise<CounterRow | null>;
  getCounter(site: string, counter: string): Promise<CounterRow | null>;
  listCounters(): Promise<CounterRow[]>;
  listEvents(filter: EventFilter): Promise<StoredEvent[]>;
  /**
   * Each known counter's last state change dated before `before` (its state at that moment), one
   * per counter that has one, by site and counter: a report's period starts in the state the
   * change before it left, however long ago that was.
   */
  lastStateChanges(before: number): Promise<StoredEvent[]>;
  /**
   * Votes per face since a time (rounded down to the whole hour), misuse-flagged votes excluded,
   * for each of these counters at once (keyed by counterKey; a counter with none maps to {}). One
   * query for many: the live board's counters, a whole site, every counter in a snapshot.
   */
  feedbackCounts(refs: readonly CounterRef[], from: number): Promise<Map<string, Record<string, number>>>;
  /**
   * Retention: delete raw events dated before `before`; returns how many. The hourly vote counts
   * stay, so today's and past satisfaction figures outlive the raw events.
   */
  deleteEventsBefore(before: number): Promise<number>;
  /**
   * Raise an alert for a situation; null when an alert of that key is still open (the situation
   * was raised and has not ended). Once cleared, the same key raises a new alert: a situation
   * that arises again is news again — unless the condition says `once` (its key names one
   * occurrence): then never again. Bridges sharing the store raise an open key once between them.
   */
  raiseAlert(condition: AlertCondition, at: number): Promise<AlertRecord | null>;
  /** Clear the open alerts whose situation no longer holds (keys not in `holding`); returns them. */
  clearAlerts(holding: readonly string[], at: number): Promise<AlertRecord[]>;
  listAlerts(filter: AlertFilter): Promise<AlertRecord[]>;
  /** A manager has seen it: who, and what they did about it. Null when there is no such alert. */
  ackAlert(id: string, by: string, comment: string, at: number): Promise<AlertRecord | null>;
  /** Notices to displays (notices.ts): kept, so what was shown where stays on record. */
  addNotice(notice: NoticeRecord): Promise<void>;
  /** Take a notice down before its time; null when there is no such notice. */
  withdrawNotice(id: string, at: number): Promise<NoticeRecord | null>;
  /** Newest first; with `activeAt`, only those neither expired nor withdrawn then. */
  listNotices(filter: { activeAt?: number | undefined; limit: number }): Promise<NoticeRecord[]>;
  /** Dashboard users (auth.ts): the hash only, never a password. */
  getUser(username: string): Promise<UserRecord | null>;
  /**
   * Make a user, or give one a new password or role: a changed password or role ends every
   * session of theirs (in the same transaction), as of `at` (default: `user.createdAt`, which
   * callers set to now). Resolves to the ids of the sessions it ended.
   */
  putUser(user: UserRecord, at?: number): Promise<string[]>;
  /** Remove a user and end their sessions; null when there was no such user, else the ids ended. */
  deleteUser(username: string, at: number): Promise<string[] | null>;
  countUsers(): Promise<number>;
  /**
   * Login sessions, kept here so every bridge on the store honours a logout (http/auth.ts).
   * Adding one also forgets sessions that expired more than 30 days before it.
   */
  addSession(session: SessionRecord): Promise<void>;
  /**
   * The session a cookie's token (its hash) names, if it is neither ended nor expired at `at`
   * and its user still exists; with the user's current role.
   */
  findSession(tokenHash: string, at: number): Promise<SessionRecord | null>;
  /** Note that a session was used (for the sessions page's "last seen"). */
  touchSession(id: string, at: number): Promise<void>;
  /**
   * End the live sessions that match: one by id, a user's (all of them, or all but one). Both
   * given: that one, only if it is that user's. Resolves to the ids ended.
   */
  endSessions(which: { id?: string; username?: string; exceptId?: string }, at: number, reason: SessionEndReason): Promise<string[]>;
  /** Live sessions at `at` (neither ended nor expired), a user's or everyone's, newest first. */
  listSessions(filter: { username?: string | undefined; at: number; limit: number }): Promise<SessionRecord[]>;
  /** A setting shared by every bridge on this store; the first value written stays. */
  setting(key: string, initial: () => string): Promise<string>;
  close(): Promise<void>;
}

export interface UserRecord {
  username: string;
  passwordHash: string;
  role: 'viewer' | 'manager' | 'admin';
  createdAt: number;
}

export type SessionEndReason = 'logout' | 'ended' | 'password_or_role_changed' | 'user_removed' | 'idle';

/** A dashboard login. The cookie holds a random token; only its hash is kept. */
export interface SessionRecord {
  /** A public name for the session (the sessions page ends it by this), not the token. */
  id: string;
  /** SHA-256 of the cookie's token, base64url. */
  tokenHash: string;
  username: string;
  role: UserRecord['role'];
  /** Echoed in the x-csrf-token header of every state-changing request. */
  csrf: string;
  createdAt: number;
  lastSeen: number;
  expiresAt: number;
  endedAt: number | null;
  endReason: SessionEndReason | null;
  /** The browser's User-Agent and address at login, so a person knows their sessions apart. */
  userAgent: string | null;
  address: string | null;
}

export interface NoticeRecord {
  id: string;
  site: string;
  /** Null: every counter at the site. */
  counter: string | null;
  text: string;
  from: string;
  at: number;
  until: number;
  withdrawnAt: number | null;
}

/** A situation to raise as an alert, as the alert rules (alerts/rules.ts) find it. */
export interface AlertCondition {
  /** Stable while the same situation lasts: one alert per situation, not one per check. */
  key: string;
  kind: AlertKind;
  site: string;
  counter: string | null;
  facts: AlertFacts;
  message: string;
  /**
   * The key names one occurrence, judged from this bridge's own memory (the unhappy run's votes):
   * raised at most once ever, not again after it cleared. With several bridges sharing the
   * stream each sees only its share of the votes, so one may clear what another holds; raised
   * again, that would be a new alert at every check.
   */
  once?: true;
}

/** A stored alert: the protocol's AlertView (one definition for the API and the dashboard). */
export type AlertRecord = AlertView;
