import { EventEmitter } from 'node:events';
import { startOfDay, type CounterEvent, type CounterRef, type CounterView } from '@okienko/protocol';
import { fleetStatus } from '../ingest/projection.ts';
import { counterKey, type AlertRecord, type CounterRow, type CounterStore, type EventStore, type VotesAdded } from '../store/types.ts';

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

/** What the hub reads of the store: the counters' rows, and today's votes when it does not hold them. */
export type HubStore = Pick<CounterStore, 'listCounters'> & Pick<EventStore, 'feedbackCounts'>;

const HOUR_MS = 3_600_000;

/**
 * Fans changes out to every connected dashboard. Libraries emit; the HTTP layer writes.
 *
 * Today's votes per counter are kept here and added up from each batch's own (`votesAdded`,
 * `Written.votes`): asking the store after every batch was a query per batch on the ingest path
 * (a round trip to PostgreSQL). The store is asked for a counter's count only when the hub does
 * not hold it — its first change since the bridge started or since the office's midnight, which
 * forgets them all — and by every snapshot (a dashboard connecting, a metrics scrape), which
 * shows the store's count and keeps it.
 *
 * With several bridges on one store each hub hears only its own batches' votes: a counter's live
 * count is then the store's as this hub last asked (its first change today, or the last snapshot)
 * plus this bridge's own votes since — the other bridges' show at the next snapshot, never as a
 * count going down. (Hearing the other bridges' changes is the city-scale issue's.)
 */
export class LiveHub extends EventEmitter<{ message: [LiveMessage]; error: [Error] }> {
  constructor(
    private readonly store: HubStore,
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

  /**
   * Today's votes per face of the counters held, by counterKey: the day they are of, and each
   * counter's record, never changed in place (a view sent out may still hold it) — a vote makes
   * a new one.
   */
  private votes = { day: -1, of: new Map<string, Record<string, number>>() };
  /** Vote queries in flight: each notes the counters that were given votes while it was out. */
  private readonly asking = new Set<Set<string>>();

  /** Today's votes held, forgotten at the office's midnight: the new day's are asked for afresh. */
  private held(): Map<string, Record<string, number>> {
    const day = this.today();
    if (day !== this.votes.day) this.votes = { day, of: new Map() };
    return this.votes.of;
  }

  /**
   * A batch's votes (Written.votes), told at its commit before its rows: added to the counters
   * held, where they count today — in an hour from midnight on, as `feedbackCounts` counts them.
   * A counter not held gets them from the store when it is asked for.
   */
  votesAdded(added: readonly VotesAdded[]): void {
    const held = this.held();
    const from = this.votes.day - (this.votes.day % HOUR_MS);
    for (const v of added) {
      if (v.hour < from) continue;
      const key = counterKey(v);
      for (const meanwhile of this.asking) meanwhile.add(key);
      const counts = held.get(key);
      if (counts === undefined) continue;
      const face = String(v.face);
      held.set(key, { ...counts, [face]: (counts[face] ?? 0) + v.n });
    }
  }

  /**
   * Today's votes of these counters from the store, one query for them all. Each answer is held
   * unless the counter was given votes while it was out: whether the answer counts those is not
   * known (PostgreSQL may have read before or after their commit), and held without them it
   * would miss them all day, so the counter is asked again at its next change. Votes heard of
   * after the answer are not in it: SQLite answers at once, and PostgreSQL's reply to a commit
   * goes out as it becomes visible, well before a read begun later has answered.
   */
  private async ask(refs: readonly CounterRef[]): Promise<Map<string, Record<string, number>>> {
    const held = this.held();
    const day = this.votes.day;
    const meanwhile = new Set<string>();
    this.asking.add(meanwhile);
    try {
      const counts = await this.store.feedbackCounts(refs, day);
      // Past midnight meanwhile, the answer is of a day gone: shown with its views, not held.
      if (held === this.votes.of) for (const [key, c] of counts) if (!meanwhile.has(key)) held.set(key, c);
      return counts;
    } finally {
      this.asking.delete(meanwhile);
    }
  }

  /**
   * Every counter's state without today's votes: one query, where `snapshot` makes one more per
   * counter. The alert rules need no votes (they keep their own), and with 10,000 counters the
   * vote queries made each check a stall of the whole bridge (seen in the soak).
   */
  async states(): Promise<CounterView[]> {
    return (await this.store.listCounters()).map((row) => stateView(row));
  }

  /** Every counter with today's votes as the store has them (one vote query for them all). */
  async snapshot(): Promise<CounterView[]> {
    const rows = await this.store.listCounters();
    const votes = await this.ask(rows);
    return rows.map((row) => stateView(row, votes.get(counterKey(row)) ?? {}));
  }

  /** Rows changed since the last flush, by counter: the latest row of each. */
  private readonly changed = new Map<string, CounterRow>();
  /** Views go out in the order their rows changed, whichever vote query answers first. */
  private emitted: Promise<void> = Promise.resolve();

  /**
   * A counter's row moved on: its view goes to every dashboard. The rows changed in one tick (a
   * batch's counters) go out together, with the votes held; those not held share one vote query
   * — one per counter was a round trip each to PostgreSQL, the most of its queries per batch.
   */
  counterChanged(row: CounterRow): void {
    if (this.changed.size === 0) queueMicrotask(() => this.flush());
    this.changed.set(counterKey(row), row);
  }

  private flush(): void {
    const rows = [...this.changed.values()];
    this.changed.clear();
    const held = this.held();
    // Each view's votes as held now, as the batch left them; only those not held are asked for.
    const votes = rows.map((row) => held.get(counterKey(row)));
    const missing = rows.filter((_row, i) => votes[i] === undefined);
    const viewsOf = (asked?: Map<string, Record<string, number>>): CounterView[] =>
      rows.map((row, i) => stateView(row, votes[i] ?? asked?.get(counterKey(row)) ?? {}));
    const views = missing.length === 0 ? Promise.resolve(viewsOf()) : this.ask(missing).then(viewsOf);
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
