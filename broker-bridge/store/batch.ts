import type { CounterRef } from '@okienko/protocol';
import { counterKey as key, type CounterRow, type EventWrite, type VotesAdded, type WriteOp, type WriteResult } from './types.ts';

/**
 * A batch of writes worked out in memory, in order, the same for every store: each counter's row
 * is read once and passed from write to write, and only the final rows go back. `insert` stores
 * an event (or notes it for a multi-row insert) and says whether it was new.
 */
function planBatch(
  ops: readonly WriteOp[],
  read: (ref: CounterRef) => CounterRow | null,
  insert: (op: EventWrite, receivedAt: number, effectiveAt: number) => boolean,
): { results: WriteResult[]; changed: CounterRow[] } {
  const rows = new Map<string, CounterRow | null>();
  const changed = new Set<string>();
  const results = ops.map((op): WriteResult => {
    const ref = op.kind === 'event' ? op.event : op.ref;
    const k = key(ref);
    if (!rows.has(k)) rows.set(k, read(ref));
    const previous = rows.get(k)!;
    if (op.kind === 'event') {
      const effectiveAt = typeof op.times.effectiveAt === 'function' ? op.times.effectiveAt(previous) : op.times.effectiveAt;
      if (!insert(op, op.times.receivedAt, effectiveAt)) return { outcome: 'duplicate', row: null, previous };
    }
    const next = op.project(previous);
    if (next) {
      rows.set(k, next);
      changed.add(k);
    }
    return { outcome: op.kind === 'event' ? 'stored' : 'counter', row: next, previous };
  });
  return { results, changed: [...changed].map((k) => rows.get(k)!) };
}

const HOUR_MS = 3_600_000;

/** An event to insert (its write), with the times the bridge worked out for it. */
export interface PlannedEvent {
  op: EventWrite;
  receivedAt: number;
  effectiveAt: number;
}

/**
 * For stores that write a batch as a few multi-row statements: the rows read beforehand, the ids
 * already stored looked up beforehand, and everything worked out here — which events are new
 * (also against each other within the batch), the votes per hour, and the counters' final rows.
 * The votes are both what the store adds to its hourly counts and what the batch's write gives
 * back (`Written.votes`): the live hub adds the same figures up, so it never disagrees with them.
 */
export function planWrites(
  ops: readonly WriteOp[],
  read: (ref: CounterRef) => CounterRow | null,
  alreadyStored: ReadonlySet<string>,
): { results: WriteResult[]; changed: CounterRow[]; events: PlannedEvent[]; votes: VotesAdded[] } {
  const stored = new Set(alreadyStored);
  const events: PlannedEvent[] = [];
  const votes = new Map<string, VotesAdded>();
  const { results, changed } = planBatch(ops, read, (op, receivedAt, effectiveAt) => {
    const event = op.event;
    const id = event.id.toLowerCase();
    if (stored.has(id)) return false;
    stored.add(id);
    events.push({ op, receivedAt, effectiveAt });
    if (event.type === 'feedback' && !event.flagged) {
      const hour = effectiveAt - (effectiveAt % HOUR_MS);
      const vk = `${key(event)}\u0000${hour}\u0000${event.face}`;
      const v = votes.get(vk) ?? { site: event.site, counter: event.counter, hour, face: event.face, n: 0 };
      v.n += 1;
      votes.set(vk, v);
    }
    return true;
  });
  return { results, changed, events, votes: [...votes.values()] };
}

/** The distinct counters a batch touches. */
export function batchRefs(ops: readonly WriteOp[]): CounterRef[] {
  const refs = new Map<string, CounterRef>();
  for (const op of ops) {
    const ref = op.kind === 'event' ? op.event : op.ref;
    const k = key(ref);
    // A batch has many events per counter: one reference made for each counter, not each event.
    if (!refs.has(k)) refs.set(k, { site: ref.site, counter: ref.counter });
  }
  return [...refs.values()];
}
