import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { counterTopic, type CounterNotices, type CounterRef, type NoticeRequest, type NoticeView } from '@okienko/protocol';
import type { CounterStore, NoticeRecord, NoticeStore } from '../store/types.ts';

/** Publishes a retained message (QoS 1); resolves once the broker has it. */
export type RetainedPublisher = (topic: string, payload: string) => Promise<void>;

const targets = (n: NoticeRecord, ref: CounterRef): boolean => n.site === ref.site && (n.counter === null || n.counter === ref.counter);

/**
 * Notices from the office to counters' displays. Each counter's `notice` topic holds, retained,
 * the whole list it should show now (its own and its site's), so the newest message is the truth
 * and a counter that was off gets it on reconnect. Expiry is enforced twice: the counter stops
 * showing a notice at its end by itself, and here the list is re-sent without it, so nothing
 * stale is retained for a counter that starts later (S7).
 */
export class NoticeBoard {
  /** Notices showing now, kept in memory so a counter coming online costs no query. */
  private active: NoticeRecord[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: NoticeStore & Pick<CounterStore, 'listCounters'>,
    private readonly publish: RetainedPublisher,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async start(sweepMs = 15_000): Promise<void> {
    this.active = await this.store.listNotices({ activeAt: this.now(), limit: 10_000 });
    this.timer = setInterval(() => void this.sweep().catch((err: unknown) => this.log.error({ err }, 'notice sweep failed')), sweepMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async send(req: NoticeRequest): Promise<NoticeView> {
    const at = this.now();
    const notice: NoticeRecord = { id: randomUUID(), site: req.site, counter: req.counter, text: req.text, from: req.from, at, until: at + req.minutes * 60_000, withdrawnAt: null };
    await this.store.addNotice(notice);
    this.active.push(notice);
    this.deliver(notice);
    this.log.info({ id: notice.id, site: notice.site, counter: notice.counter, until: notice.until }, 'notice sent');
    return this.view(notice);
  }

  async withdraw(id: string): Promise<NoticeView | null> {
    const notice = await this.store.withdrawNotice(id, this.now());
    if (!notice) return null;
    this.active = this.active.filter((n) => n.id !== id);
    this.deliver(notice);
    return this.view(notice);
  }

  async list(activeOnly: boolean): Promise<NoticeView[]> {
    const rows = await this.store.listNotices({ activeAt: activeOnly ? this.now() : undefined, limit: 1000 });
    return rows.map((n) => this.view(n));
  }

  /** A counter came online: a site notice sent before it was ever seen reaches it too. */
  async counterOnline(ref: CounterRef): Promise<void> {
    if (this.active.some((n) => targets(n, ref) && n.until > this.now())) await this.publishTo(ref);
  }

  /** Notices that ran out: their counters get their lists again without them. */
  async sweep(): Promise<void> {
    const now = this.now();
    const ended = this.active.filter((n) => n.until <= now);
    if (ended.length === 0) return;
    this.active = this.active.filter((n) => n.until > now);
    for (const n of ended) await this.republish(n);
  }

  /**
   * Stored first, delivered after: the link holds the messages until the broker takes them, so
   * the API answers at once even while the broker is away.
   */
  private deliver(n: NoticeRecord): void {
    this.republish(n).catch((err: unknown) => this.log.error({ err, id: n.id }, 'notice not delivered'));
  }

  /** Every counter the notice is (or was) for gets its current list. */
  private async republish(n: NoticeRecord): Promise<void> {
    const refs = n.counter !== null ? [{ site: n.site, counter: n.counter }] : (await this.store.listCounters()).filter((c) => c.site === n.site);
    for (const ref of refs) await this.publishTo(ref);
  }

  private async publishTo(ref: CounterRef): Promise<void> {
    const now = this.now();
    const showing = this.active.filter((n) => targets(n, ref) && n.until > now);
    // An empty retained message removes the topic's message: nothing is left for a later start.
    if (showing.length === 0) return this.publish(counterTopic(ref, 'notice'), '');
    const message: CounterNotices = {
      v: 1,
      site: ref.site,
      counter: ref.counter,
      at: now,
      notices: showing.slice(-20).map(({ id, text, from, at, until }) => ({ id, text, from, at, until })),
    };
    return this.publish(counterTopic(ref, 'notice'), JSON.stringify(message));
  }

  private view(n: NoticeRecord): NoticeView {
    return { ...n, active: n.withdrawnAt === null && n.until > this.now() };
  }
}
