import type { Logger } from 'pino';
import type { CounterEvent } from '@okienko/protocol';
import { DEFAULT_RULES, alertConditions, rememberVote, type AlertRules, type RecentVote } from './rules.ts';
import type { LiveHub } from '../live/hub.ts';
import type { AlertRecord, AlertStore } from '../store/types.ts';

/**
 * Runs the alert rules: now and then, and soon after anything changes. New situations are stored
 * and pushed to dashboards at once; situations that ended are cleared (and kept, as history), and
 * one that arises again is raised again.
 */
const SOON_MS = 1000;

export class AlertEngine {
  private readonly votes = new Map<string, RecentVote[]>();
  private timer: NodeJS.Timeout | null = null;
  private pending: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: AlertStore,
    private readonly hub: LiveHub,
    private readonly log: Logger,
    private readonly onChange: (alert: AlertRecord) => void,
    private readonly rules: AlertRules = DEFAULT_RULES,
    private readonly now: () => number = Date.now,
  ) {}

  start(periodMs = 15_000): void {
    this.timer = setInterval(() => void this.check(), periodMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.pending) clearTimeout(this.pending);
  }

  event(e: CounterEvent): void {
    rememberVote(this.votes, e);
  }

  /**
   * Something changed: check soon, once for a burst of changes. A second is soon enough for rules
   * with minutes of grace, and a check reads every counter: with thousands of counters pressing,
   * checking every 200 ms cost the bridge more than storing the events.
   */
  soon(): void {
    this.pending ??= setTimeout(() => {
      this.pending = null;
      void this.check();
    }, SOON_MS);
  }

  /** Evaluate the rules now (one check at a time). */
  check(): Promise<void> {
    this.running = this.running.then(() => this.evaluate()).catch((err: unknown) => this.log.error({ err }, 'alert check failed'));
    return this.running;
  }

  private async evaluate(): Promise<void> {
    const now = this.now();
    const holding = alertConditions(await this.hub.states(), this.votes, now, this.rules);
    for (const c of holding) {
      const raised = await this.store.raiseAlert(c, now);
      if (raised) {
        this.log.warn({ kind: c.kind, site: c.site, counter: c.counter }, c.message);
        this.onChange(raised);
      }
    }
    for (const cleared of await this.store.clearAlerts(holding.map((c) => c.key), now)) this.onChange(cleared);
  }
}
