import { EventEmitter } from 'node:events';
import { startOfDay, type CounterEvent, type CounterView } from '@okienko/protocol';
import { fleetStatus } from '../ingest/projection.ts';
import { counterKey, type AlertRecord, type CounterRow, type Store } from '../store/types.ts';

export type LiveMessage =
  | { type: 'counter'; counter: CounterView }
  | { type: 'event'; event: CounterEvent; receivedAt: number }
  | { type: 'alert'; alert: AlertRecord };

/**
 * What dashboards are shown of a counter's row: its view's fields, named one by one. Copied with
 * the rest (`...row`), the view also carried the bridge's own bookkeeping — the sequence numbers
 * found missing (up to a thousand), the clock offset — to every dashboard at every change, and
 * the copy was the slowest part of the live stream's work per batch.
 */
function stateView(row: CounterRow, feedbackToday: CounterView['feedbackToday'] = {}): CounterView {
  const view: { [K in keyof Required<CounterView>]: CounterView[K] } = {
    site: row.site,
    counter: row.counter,
    status: fleetStatus(row),
    lastStatus: row.status,
    online: row.online,
    clerk: row.clerk,
    since: row.since,
    notice: row.notice,
    seq: row.seq,
    scale: row.scale,
    lastSeen: row.lastSeen,
    panelUrl: row.panelUrl,
    version: row.version,
    feedbackToday,
    health: row.health,
    clockSynced: row.clockSynced,
    inHours: row.inHours,
    offlineAt: row.offlineAt,
    clockUnsyncedAt: row.clockUnsyncedAt,
  };
  return view;
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

  /** Each row's view with today's votes: one vote query for them all. */
  private async views(rows: readonly CounterRow[]): Promise<CounterView[]> {
    const votes = await this.store.feedbackCounts(rows, this.today());
    return rows.map((row) => stateView(row, votes.get(counterKey(row)) ?? {}));
  }

  /**
   * Every counter's state without today's votes: one query, where `snapshot` makes one more per
   * counter. The alert rules need no votes (they keep their own), and with 10,000 counters the
   * vote queries made each check a stall of the whole bridge (seen in the soak).
   */
  async states(): Promise<CounterView[]> {
    return (await this.store.listCounters()).map((row) => stateView(row));
  }

  async snapshot(): Promise<CounterView[]> {
    return this.views(await this.store.listCounters());
  }

  /** Rows changed since the last flush, by counter: the latest row of each. */
  private readonly changed = new Map<string, CounterRow>();
  /** Views go out in the order their rows changed, whichever vote query answers first. */
  private emitted: Promise<void> = Promise.resolve();

  /**
   * A counter's row moved on: its view goes to every dashboard. The rows changed in one tick (a
   * batch's counters) share one vote query — one per counter was a round trip each to
   * PostgreSQL, the most of its queries per batch.
   */
  counterChanged(row: CounterRow): void {
    if (this.changed.size === 0) queueMicrotask(() => this.flush());
    this.changed.set(counterKey(row), row);
  }

  private flush(): void {
    const views = this.views([...this.changed.values()]);
    this.changed.clear();
    // Its failure is reported below, in turn; until then it must not count as unhandled (which
    // ends the process) while an earlier query is still out.
    views.catch(() => {});
    this.emitted = this.emitted
      .then(() => views)
      .then(
        (counters) => {
          for (const counter of counters) this.emit('message', { type: 'counter', counter });
        },
        (err: unknown) => void this.emit('error', err as Error),
      );
  }

  eventStored(event: CounterEvent, receivedAt: number): void {
    this.emit('message', { type: 'event', event, receivedAt });
  }

  alertChanged(alert: AlertRecord): void {
    this.emit('message', { type: 'alert', alert });
  }
}
