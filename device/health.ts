import type { CounterState } from '@okienko/protocol/messages';
import type { Timers } from './timers.ts';

/** How often the retained state is checked against the device's health (outbox, disk, clock). */
const HEALTH_REPORT_MS = 60_000;
/** How soon after the outbox drains the retained state says so: one publish for a burst. */
const HEALTH_SETTLE_MS = 1000;

/** What a state says of the device's health: when this differs from the retained one's, it is stale. */
function healthKey(s: CounterState): string {
  return `${s.health?.outboxPending}/${s.health?.outboxRefused}/${s.health?.diskFull === true}/${s.clockSynced}`;
}

export interface HealthDeps {
  /** The counter's state as it stands now. */
  current: () => CounterState;
  /** Republish the retained state (the link). */
  publish: () => void;
  /** Events waiting in the outbox. */
  pending: () => number;
  timers: Pick<Timers<'health' | 'settle'>, 'after' | 'every' | 'has'>;
}

/**
 * Keeps the retained state's `health` (outbox, refusals, full disk) and `clockSynced` true: a
 * press's state goes out before its event's PUBACK (outbox 1), so a second after the outbox
 * drains it is sent again — once per drained burst, never for votes, which publish no state —
 * and once a minute it is checked against the device and sent when anything differs.
 */
export class HealthReport {
  /** Events the full outbox had to refuse since start: counted and reported in the retained state. */
  refused = 0;
  /** The last write to the outbox failed for want of space; cleared by the next that succeeds. */
  diskFull = false;
  /** What the retained state last said of the device's health (healthKey), and its outbox then. */
  private publishedHealth = '';
  private publishedPending = 0;

  constructor(private readonly deps: HealthDeps) {}

  start(): void {
    this.deps.timers.every('health', HEALTH_REPORT_MS, () => this.check());
  }

  /** The `health` of the counter's state. */
  health(): NonNullable<CounterState['health']> {
    return { outboxPending: this.deps.pending(), outboxRefused: this.refused, ...(this.diskFull ? { diskFull: true } : {}) };
  }

  /**
   * The state as it goes out to the broker (the link publishes it): what it says of health is
   * remembered, so the timers know when the retained state no longer tells the truth.
   * (Remembering only what the timer itself sent, it took the state a press published — its outbox
   * still holding the press's event, before the PUBACK — for up to date: "1" for ever.)
   */
  published(state: CounterState): CounterState {
    this.publishedHealth = healthKey(state);
    this.publishedPending = state.health?.outboxPending ?? 0;
    return state;
  }

  /** Republish the retained state when what it says of health is no longer true. */
  check(): void {
    if (healthKey(this.deps.current()) === this.publishedHealth) return;
    this.deps.publish();
  }

  /**
   * An event was acknowledged. Once the outbox is empty while the retained state says events wait
   * (a press publishes its state before its event's PUBACK), the state is sent again shortly:
   * once per drained burst, and not at all under a stream of votes (they publish no state).
   */
  onAcked(): void {
    if (this.deps.pending() > 0 || this.publishedPending === 0 || this.deps.timers.has('settle')) return;
    this.deps.timers.after('settle', HEALTH_SETTLE_MS, () => this.check());
  }
}
