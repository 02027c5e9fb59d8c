import { EventEmitter } from 'node:events';
import { startOfDay, type CounterEvent, type CounterView } from '@okienko/protocol';
import { fleetStatus } from './projection.ts';
import type { CounterRow, Store } from './store/types.ts';

export type LiveMessage =
  | { type: 'counter'; counter: CounterView }
  | { type: 'event'; event: CounterEvent; receivedAt: number };

/** Fans changes out to every connected dashboard. Libraries emit; the HTTP layer writes. */
export class LiveHub extends EventEmitter<{ message: [LiveMessage] }> {
  constructor(
    private readonly store: Store,
    private readonly timeZone: string,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.setMaxListeners(0);
  }

  async view(row: CounterRow): Promise<CounterView> {
    const { bootId: _bootId, status, ...rest } = row;
    const feedbackToday = await this.store.feedbackCounts(row.site, row.counter, startOfDay(this.now(), this.timeZone));
    return { ...rest, status: fleetStatus(row), lastStatus: status, feedbackToday };
  }

  async snapshot(): Promise<CounterView[]> {
    const rows = await this.store.listCounters();
    return Promise.all(rows.map((r) => this.view(r)));
  }

  counterChanged(row: CounterRow): void {
    void this.view(row).then((counter) => this.emit('message', { type: 'counter', counter }));
  }

  eventStored(event: CounterEvent, receivedAt: number): void {
    this.emit('message', { type: 'event', event, receivedAt });
  }
}
