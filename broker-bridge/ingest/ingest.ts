import { isUtf8 } from 'node:buffer';
import type { Logger } from 'pino';
import { SCHEMA_BY_KIND, parseTopic, type Availability, type CounterEvent, type CounterRef, type CounterState, type ParsedTopic } from '@okienko/protocol';
import { acceptsAsIs, type AcceptsAsIs } from './accepts.ts';
import { effectiveTime, projectAvailability, projectEvent, projectState } from './projection.ts';
import { counterKey, type CounterRow, type EventStore, type VotesAdded, type WriteOp, type WriteResult, type Written } from '../store/types.ts';

export const REJECT_REASONS = ['unknown_topic', 'payload_too_large', 'invalid_json', 'invalid_payload', 'topic_mismatch'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export type Outcome =
  | { kind: 'rejected'; reason: RejectReason; detail: string }
  | { kind: 'ignored' }
  | { kind: 'duplicate'; event: CounterEvent }
  | { kind: 'stored'; event: CounterEvent; row: CounterRow | null }
  | { kind: 'counter'; row: CounterRow | null };

/** Payloads are small JSON objects; anything bigger is a mistake or an attack, refused before parsing. */
export const MAX_PAYLOAD_BYTES = 16 * 1024;

/**
 * Topics kept parsed. A city's counters publish on a few thousand topics, each message on one of
 * them: parsed once, not per message (splitting and checking it was 0.8 µs of every message).
 * Past this many the lot is dropped and built again, so topics no counter uses can't grow it.
 */
const TOPICS_KEPT = 50_000;

/**
 * Each kind's quick yes (accepts.ts): a message valid as sent is taken as it is, and zod
 * runs for the rest — its verdict, its reasons, and the message with unknown keys stripped.
 */
const ACCEPTS = Object.fromEntries(Object.entries(SCHEMA_BY_KIND).map(([kind, schema]) => [kind, acceptsAsIs(schema)])) as Record<keyof typeof SCHEMA_BY_KIND, AcceptsAsIs | null>;

export interface Message {
  topic: string;
  payload: Buffer;
}

/** A message's validation outcome, worked out by Ingest.prepare before its batch is stored (opaque outside). */
export type Prepared = Outcome | Valid;

/**
 * Messages in arrival order as parallel arrays, each with what `prepare` made of it as it
 * arrived (the MQTT link's batch: no object per message).
 */
export interface PreparedBatch {
  readonly topics: readonly string[];
  readonly payloads: readonly Buffer[];
  readonly arrivals: readonly Prepared[];
}

/** A message that passed validation: the write it asks for, and the event when it is one. */
interface Valid {
  op: WriteOp;
  event?: CounterEvent;
  receivedAt?: number;
}

export interface IngestListener {
  onEvent(event: CounterEvent, receivedAt: number): void;
  onCounter(row: CounterRow): void;
  /** The votes a batch added (Written.votes), told before its counters' rows (onCounter). */
  onVotes?(votes: readonly VotesAdded[]): void;
  /** A counter has just come online (it was offline or unknown). */
  onOnline?(ref: CounterRef): void;
  /** Events went missing on the way from a counter: ask it to re-send its state. */
  onGap?(ref: CounterRef, missing: number[]): void;
}

/**
 * Takes every message from the broker: validates it against the protocol, stores events once,
 * moves the counter's row on, and tells the live stream. Never throws on input: a bad message is
 * counted under its reason and logged, and the next one is handled as usual. A store failure does
 * throw, so the caller withholds the broker's acknowledgement.
 */
export class Ingest {
  readonly rejected: Record<RejectReason, number> = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>;
  stored = 0;
  duplicates = 0;
  /** Sequence numbers found missing, over all counters, since start. */
  gaps = 0;
  private readonly topics = new Map<string, ParsedTopic>();

  constructor(
    private readonly store: EventStore,
    private readonly listener: IngestListener,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async handle(topic: string, payload: Buffer): Promise<Outcome> {
    return (await this.handleBatch([{ topic, payload }]))[0]!;
  }

  /**
   * Messages in the order the broker gave them, stored in one transaction: one commit for the
   * lot. Outcomes come back in the same order once the batch is durable; the live stream hears of
   * each as soon as it is committed (WriteHooks), while the disk syncs. `ordered`: the batch
   * holds its place, the next may be handled (WriteHooks.ordered).
   */
  async handleBatch(messages: readonly Message[], ordered?: () => void): Promise<Outcome[]> {
    const topics = messages.map((m) => m.topic);
    const payloads = messages.map((m) => m.payload);
    return this.handlePrepared({ topics, payloads, arrivals: messages.map((m) => this.classify(m.topic, m.payload)) }, ordered);
  }

  /** handleBatch for messages validated as they arrived (`prepare`): the MQTT link's batches. */
  async handlePrepared(batch: PreparedBatch, ordered?: () => void): Promise<Outcome[]> {
    const classified = batch.arrivals;
    const ops: WriteOp[] = [];
    for (const c of classified) if ('op' in c) ops.push(c.op);
    let outcomes: Outcome[] | null = null;
    const committed = ({ results, votes }: Written): void => {
      let next = 0;
      // Each counter's view goes to the live stream once per batch, as the batch left it.
      const rows = new Map<string, CounterRow>();
      outcomes = classified.map((c, i) => {
        let outcome: Outcome = c as Outcome;
        if ('op' in c) {
          const r = results[next++]!;
          outcome = this.finish(c, r);
          if (r.row) rows.set(counterKey(r.row), r.row);
        }
        this.count(batch.topics[i]!, batch.payloads[i]!, outcome);
        return outcome;
      });
      if (votes.length > 0) this.listener.onVotes?.(votes);
      for (const row of rows.values()) this.listener.onCounter(row);
    };
    if (ops.length > 0) await this.store.write(ops, { ordered, committed });
    else {
      ordered?.();
      committed({ results: [], votes: [] });
    }
    return outcomes!;
  }

  /**
   * Validates a message as it arrives, ahead of its batch. A batch is stored under its counters'
   * locks, and the next one is validated meanwhile: all at once, that held the event loop for
   * milliseconds, and every answer from the database to the batch under the locks waited for it
   * (PostgreSQL: a one-row read took 9 ms, the whole batch longer than all of its work). Taken
   * message by message as the socket delivers them, the work comes in small pieces.
   */
  prepare(topic: string, payload: Buffer): Prepared {
    return this.classify(topic, payload);
  }

  private count(topic: string, payload: Buffer, outcome: Outcome): void {
    if (outcome.kind === 'rejected') {
      this.rejected[outcome.reason] += 1;
      this.log.warn({ topic, reason: outcome.reason, detail: outcome.detail, bytes: payload.length }, 'rejected message');
    } else if (outcome.kind === 'duplicate') {
      this.duplicates += 1;
    } else if (outcome.kind === 'stored') {
      this.stored += 1;
    }
  }

  /** Validation, which needs no store: a bad message is decided here, a good one becomes a write. */
  private classify(topic: string, payload: Buffer): Outcome | Valid {
    const t = this.parsedTopic(topic);
    if (!t.ok) return { kind: 'rejected', reason: t.reason, detail: t.detail };
    // Our own commands and notices to counters.
    if (t.kind === 'command' || t.kind === 'notice') return { kind: 'ignored' };
    // An empty retained message clears a topic; nothing to store.
    if (payload.length === 0) return { kind: 'ignored' };
    if (payload.length > MAX_PAYLOAD_BYTES) {
      return { kind: 'rejected', reason: 'payload_too_large', detail: `${payload.length} bytes > ${MAX_PAYLOAD_BYTES}` };
    }
    const text = payload.toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      return { kind: 'rejected', reason: 'invalid_json', detail: (err as Error).message };
    }
    let msg: CounterEvent | CounterState | Availability;
    // Taken as sent, the text is the message's JSON as it stands: stores keep an event's as it is.
    const asSent = ACCEPTS[t.kind]?.(json) === true;
    if (asSent) msg = json as CounterEvent | CounterState | Availability;
    else {
      const parsed = SCHEMA_BY_KIND[t.kind].safeParse(json);
      if (!parsed.success) {
        const detail = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
        return { kind: 'rejected', reason: 'invalid_payload', detail };
      }
      msg = parsed.data as CounterEvent | CounterState | Availability;
    }
    if (msg.site !== t.site || msg.counter !== t.counter) {
      // A counter may only speak for itself: the topic (which the broker's ACL checks) decides.
      return { kind: 'rejected', reason: 'topic_mismatch', detail: `payload says ${msg.site}/${msg.counter}` };
    }
    const receivedAt = this.now();
    switch (t.kind) {
      case 'event': {
        const event = msg as CounterEvent;
        // The row before the event is read inside the store's transaction (under its lock), for
        // both the clock correction and the gap check: no second read, no race between bridges.
        // Methods, not arrow functions: tsx compiles with keepNames, which wraps every arrow
        // function made in an Object.defineProperty call — for two per event, 3 % of the bridge's time.
        return {
          event,
          receivedAt,
          op: {
            kind: 'event',
            event,
            // Invalid UTF-8 was decoded to U+FFFD: then only the text is the JSON.
            raw: asSent ? { text, bytes: isUtf8(payload) ? payload : undefined } : undefined,
            times: {
              receivedAt,
              effectiveAt(previous) {
                return effectiveTime(previous, event, receivedAt);
              },
            },
            project(row) {
              return projectEvent(row, event, receivedAt);
            },
          },
        };
      }
      // Rare beside events (a state on change, availability on connect): arrow functions are fine.
      case 'state':
        return { op: { kind: 'counter', ref: { site: t.site, counter: t.counter }, project: (r) => projectState(r, msg as CounterState, receivedAt) } };
      case 'availability':
        return { op: { kind: 'counter', ref: { site: t.site, counter: t.counter }, project: (r) => projectAvailability(r, msg as Availability, receivedAt) } };
    }
  }

  private parsedTopic(topic: string): ParsedTopic {
    let t = this.topics.get(topic);
    if (t === undefined) {
      t = parseTopic(topic);
      if (this.topics.size >= TOPICS_KEPT) this.topics.clear();
      this.topics.set(topic, t);
    }
    return t;
  }

  /** After the commit: gaps, the event on the live stream, the outcome. */
  private finish(v: Valid, r: WriteResult): Outcome {
    if (!v.event) {
      if (r.row?.online && !r.previous?.online) this.listener.onOnline?.({ site: r.row.site, counter: r.row.counter });
      return { kind: 'counter', row: r.row };
    }
    if (r.outcome === 'duplicate') return { kind: 'duplicate', event: v.event };
    // Almost every event finds nothing missing: no arrays made for it.
    const missing = r.row?.missing ?? [];
    const before = r.previous?.missing ?? [];
    const newlyMissing = missing.length === 0 ? missing : missing.filter((m) => !before.includes(m));
    if (newlyMissing.length > 0) {
      const ref = { site: v.event.site, counter: v.event.counter };
      this.gaps += newlyMissing.length;
      this.log.warn({ counter: `${ref.site}/${ref.counter}`, missing: newlyMissing.slice(0, 20), count: newlyMissing.length, seq: v.event.seq }, 'events missing from a counter');
      this.listener.onGap?.(ref, newlyMissing);
    }
    this.listener.onEvent(v.event, v.receivedAt!);
    return { kind: 'stored', event: v.event, row: r.row };
  }
}
