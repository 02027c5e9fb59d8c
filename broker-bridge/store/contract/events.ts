import type { CounterEvent, CounterRef } from '@okienko/protocol';
import type { CounterRow, Projector } from './counters.ts';

export interface EventTimes {
  receivedAt: number;
  /**
   * When it happened, as best known (projection.ts `effectiveTime`): a time, or worked out from
   * the counter's row as it stood before this event, read in the same transaction.
   */
  effectiveAt: number | ((previous: CounterRow | null) => number);
}

/** An event to store once, with what moves its counter's row on. */
export interface EventWrite {
  kind: 'event';
  event: CounterEvent;
  times: EventTimes;
  project: Projector;
  /**
   * The event's JSON as the counter sent it, when that parses to exactly `event` (the schema took
   * it as sent: broker-bridge/ingest/accepts.ts): stored as it is, not made again from the event —
   * writing the JSON anew was a microsecond of every event's work in the bridge. `bytes`: the same
   * JSON as received, where it is valid UTF-8 (so `text` is exactly its decoding): a store that
   * sends bytes copies them instead of encoding `text` again.
   */
  raw?: { text: string; bytes?: Buffer };
}

/** The JSON a store keeps for an event: as sent where that is the event, else written anew. */
export const eventJson = (op: EventWrite): string => op.raw?.text ?? JSON.stringify(op.event);

/** One write in a batch: an event to store once, or a counter's row to move on. */
export type WriteOp = EventWrite | { kind: 'counter'; ref: CounterRef; project: Projector };

/** What became of one write: for 'counter', `row` is null when the projector changed nothing. */
export interface WriteResult {
  outcome: 'stored' | 'duplicate' | 'counter';
  row: CounterRow | null;
  previous: CounterRow | null;
}

/**
 * Votes a batch added to one counter's hour and face: its stored feedback events, duplicates and
 * misuse-flagged votes left out — exactly what `feedbackCounts` adds up (`hour` is the vote's
 * effective time rounded down to the whole hour, UTC).
 */
export interface VotesAdded {
  site: string;
  counter: string;
  hour: number;
  face: number;
  n: number;
}

/** What a batch changed: each write's result, in order, and the votes it added. */
export interface Written {
  results: WriteResult[];
  votes: VotesAdded[];
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
  committed?(written: Written): void;
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

/** Events, stored once each, the counters' rows they move on, and the hourly vote counts. */
export interface EventStore {
  /**
   * Several writes in one transaction, in order, all or none: a batch costs one commit (one fsync)
   * however many messages it holds. A counter's writes see each other's rows, so a batch behaves
   * exactly as the same writes one by one. Concurrent bridges serialise per counter. An event
   * whose id is already stored is a 'duplicate' (idempotent); then its row is left alone.
   *
   * The promise resolves once the batch is durable; `hooks` say when it got there (WriteHooks).
   * The votes it added come back with the results, worked out with the batch (no query), so the
   * live hub adds them up instead of asking for today's counts again after every batch.
   */
  write(ops: readonly WriteOp[], hooks?: WriteHooks): Promise<Written>;
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
}
