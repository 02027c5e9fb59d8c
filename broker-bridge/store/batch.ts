import type { CounterEvent, CounterRef } from '@okienko/protocol';
import type { CounterRow, WriteOp, WriteResult } from './types.ts';

const key = (ref: CounterRef): string => `${ref.site}/${ref.counter}`;

/**
 * A batch of writes worked out in memory, in order, the same for every store: each counter's row
 * is read once and passed from write to write, and only the final rows go back. `insert` stores
 * an event (or notes it for a multi-row insert) and says whether it was new.
 */
export function planBatch(
  ops: readonly WriteOp[],
  read: (ref: CounterRef) => CounterRow | null,
  insert: (event: CounterEvent, receivedAt: number, effectiveAt: number) => boolean,
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
      if (!insert(op.event, op.times.receivedAt, effectiveAt)) return { outcome: 'duplicate', row: null, previous };
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
