import type { CounterEvent, CounterRef } from '@okienko/protocol';
import type { CounterRow, EventStore, EventTimes, Projector, WriteResult } from '../../broker-bridge/store/types.ts';

// One write at a time, as tests set a store up: the bridge itself writes only in batches
// (EventStore.write), so the stores have no single-write methods of their own.

/** What became of one event: 'duplicate' (its id is stored already, the row left alone) or 'stored'. */
export interface RecordedEvent extends WriteResult {
  outcome: 'stored' | 'duplicate';
}

/** Store the event and move its counter's row on, in one transaction. */
export async function recordEvent(store: Pick<EventStore, 'write'>, event: CounterEvent, times: EventTimes, project: Projector): Promise<RecordedEvent> {
  return (await store.write([{ kind: 'event', event, times, project }])).results[0] as RecordedEvent;
}

/** Move a counter's row on; resolves to the new row, or null when the projector changed nothing. */
export async function updateCounter(store: Pick<EventStore, 'write'>, ref: CounterRef, project: Projector): Promise<CounterRow | null> {
  return (await store.write([{ kind: 'counter', ref, project }])).results[0]!.row;
}
