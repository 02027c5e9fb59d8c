import { EventEmitter } from 'node:events';
import { startOfDay, type CounterEvent, type CounterView } from '@okienko/protocol';
import { fleetStatus } from './projection.ts';
import type { AlertRecord, CounterRow, Store } from './store/types.ts';

export type LiveMessage =
  | { type: 'counter'; counter: CounterView }
  | { type: 'event'; event: CounterEvent; receivedAt: number }
  | { type: 'alert'; alert: AlertRecord };

function stateView(row: CounterRow): CounterView {
  const { bootId: _bootId, status, ...rest } = row;
  return { ...rest, status: fleetStatus(row), lastStatus: status, feedbackToday: {} };
}

/** Fans changes out to every connected dashboard. Libraries emit; the HTTP layer writes. */
export class LiveHub extends EventEmitter<{ message: [LiveMessage]; error: [Error] }> {
  constructor(
    private readonly store: Store,
    private readonly timeZone: string,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.setMaxListeners(0);
  }

  private dayStart = { minute: -1, start: 0 };

  /** Midnight of today in the office's zone, worked out once a minute rather than per message. */
  private today(): number {
    const minute = Math.floor(this.now() / 60_000);
    if (minute !== this.dayStart.minute) this.dayStart = { minute, start: startOfDay(this.now(), this.timeZone) };
    return this.dayStart.start;
  }

  async view(row: CounterRow): Promise<CounterView> {
    const feedbackToday = await this.store.feedbackCounts(row.site, row.counter, this.today());
    return { ...stateView(row), feedbackToday };
  }

  /**
   * Every counter's state without today's votes: one query, where `snapshot` makes one more per
   * counter. The alert rules need no votes (they keep their own), and with 10,000 counters the
   * vote queries made each check a stall of the whole bridge (seen in the soak).
   */
  async states(): Promise<CounterView[]> {
    return (await this.store.listCounters()).map(stateView);
  }

  async snapshot(): Promise<CounterView[]> {
    const rows = await this.store.listCounters();
    return Promise.all(rows.map((r) => this.view(r)));
  }

  counterChanged(row: CounterRow): void {
    this.view(row).then(
      (counter) => this.emit('message', { type: 'counter', counter }),
      (err: unknown) => this.emit('error', err as Error),
    );
  }

  eventStored(event: CounterEvent, receivedAt: number): void {
    this.emit('message', { type: 'event', event, receivedAt });
  }

  alertChanged(alert: AlertRecord): void {
    this.emit('message', { type: 'alert', alert });
  }
}
