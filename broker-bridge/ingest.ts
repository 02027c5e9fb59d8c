import type { Logger } from 'pino';
import { SCHEMA_BY_KIND, parseTopic, type Availability, type CounterEvent, type CounterRef, type CounterState } from '@okienko/protocol';
import { effectiveTime, projectAvailability, projectEvent, projectState } from './projection.ts';
import type { CounterRow, Store } from './store/types.ts';

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

export interface IngestListener {
  onEvent(event: CounterEvent, receivedAt: number): void;
  onCounter(row: CounterRow): void;
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

  constructor(
    private readonly store: Store,
    private readonly listener: IngestListener,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async handle(topic: string, payload: Buffer): Promise<Outcome> {
    const outcome = await this.classifyAndStore(topic, payload);
    if (outcome.kind === 'rejected') {
      this.rejected[outcome.reason] += 1;
      this.log.warn({ topic, reason: outcome.reason, detail: outcome.detail, bytes: payload.length }, 'rejected message');
    } else if (outcome.kind === 'duplicate') {
      this.duplicates += 1;
    } else if (outcome.kind === 'stored') {
      this.stored += 1;
    }
    return outcome;
  }

  private async classifyAndStore(topic: string, payload: Buffer): Promise<Outcome> {
    const t = parseTopic(topic);
    if (!t.ok) return { kind: 'rejected', reason: t.reason, detail: t.detail };
    if (t.kind === 'command') return { kind: 'ignored' }; // our own commands to counters
    // An empty retained message clears a topic; nothing to store.
    if (payload.length === 0) return { kind: 'ignored' };
    if (payload.length > MAX_PAYLOAD_BYTES) {
      return { kind: 'rejected', reason: 'payload_too_large', detail: `${payload.length} bytes > ${MAX_PAYLOAD_BYTES}` };
    }
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch (err) {
      return { kind: 'rejected', reason: 'invalid_json', detail: (err as Error).message };
    }
    const parsed = SCHEMA_BY_KIND[t.kind].safeParse(json);
    if (!parsed.success) {
      const detail = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      return { kind: 'rejected', reason: 'invalid_payload', detail };
    }
    const msg = parsed.data as CounterEvent | CounterState | Availability;
    if (msg.site !== t.site || msg.counter !== t.counter) {
      // A counter may only speak for itself: the topic (which the broker's ACL checks) decides.
      return { kind: 'rejected', reason: 'topic_mismatch', detail: `payload says ${msg.site}/${msg.counter}` };
    }
    const receivedAt = this.now();
    const ref = { site: t.site, counter: t.counter };
    switch (t.kind) {
      case 'event': {
        const event = msg as CounterEvent;
        // The row before the event is read inside the store's transaction (under its lock), for
        // both the clock correction and the gap check: no second read, no race between bridges.
        const r = await this.store.recordEvent(
          event,
          { receivedAt, effectiveAt: (previous) => effectiveTime(previous, event, receivedAt) },
          (row) => projectEvent(row, event, receivedAt),
        );
        if (r.outcome === 'duplicate') return { kind: 'duplicate', event };
        const newlyMissing = (r.row?.missing ?? []).filter((m) => !(r.previous?.missing ?? []).includes(m));
        if (newlyMissing.length > 0) {
          this.gaps += newlyMissing.length;
          this.log.warn({ counter: `${t.site}/${t.counter}`, missing: newlyMissing.slice(0, 20), count: newlyMissing.length, seq: event.seq }, 'events missing from a counter');
          this.listener.onGap?.(ref, newlyMissing);
        }
        this.listener.onEvent(event, receivedAt);
        if (r.row) this.listener.onCounter(r.row);
        return { kind: 'stored', event, row: r.row };
      }
      case 'state': {
        const row = await this.store.updateCounter(ref, (r) => projectState(r, msg as CounterState, receivedAt));
        if (row) this.listener.onCounter(row);
        return { kind: 'counter', row };
      }
      case 'availability': {
        const row = await this.store.updateCounter(ref, (r) => projectAvailability(r, msg as Availability, receivedAt));
        if (row) this.listener.onCounter(row);
        return { kind: 'counter', row };
      }
    }
  }
}
