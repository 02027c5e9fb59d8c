import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AwayNotice, Clerk, CounterStatus, type CounterCommand, type CounterNotices, type CounterEvent, type CounterState, type UnsequencedEvent } from '@okienko/protocol/messages';
import { DEFAULT_TIME_ZONE } from '@okienko/protocol/time';
import { STATUS_LIGHT } from '@okienko/protocol/wording';
import { type CounterRef } from '@okienko/protocol/topics';
import { newEventId } from '@okienko/protocol/ids';
import type { ButtonEdge, CounterHardware, LightColor } from '@okienko/hardware';
import { edge as gestureEdge, initialGestures, nextHoldAt, tick as gestureTick, type GestureState } from './gestures.ts';
import { displayLines } from './display-text.ts';
import { initialState, machineConfig, step, type EventDraft, type Input, type MachineConfig, type MachineState } from './machine.ts';
import { updatePeers } from './presence.ts';
import { FileOutbox, OutboxDiskFullError, OutboxFullError, writeAtomically, type OutboxOptions } from './outbox.ts';
import { CounterLink, type LinkOptions } from './link.ts';
import type { Clock } from './clock.ts';
import { isOpen, type Schedule } from './schedule.ts';

export interface CounterDeviceOptions {
  ref: CounterRef;
  dataDir: string;
  machine: MachineConfig;
  /** Clerk signed in at first start (until badge readers arrive). */
  clerk: Clerk | null;
  link: LinkOptions;
  outbox?: Partial<OutboxOptions>;
  timeZone: string;
  version: string;
  panelUrl?: string | undefined;
  tickMs: number;
  /** How long a clean stop waits for the outbox to drain (default 5 s). */
  flushOnStopMs?: number;
  /** Opening hours; without them the counter is never closed by the clock. */
  schedule?: Schedule | undefined;
  /** How long the clerk button is held before it counts as "leaving" (and again for each next preset). */
  holdMs: number;
  /**
   * Where a counter with no saved state begins, instead of free with `clerk`: the state its
   * recorded past left it in (the demo's history, which ends with a clerk away). A saved state wins.
   */
  resume?: ResumeState | undefined;
}

/**
 * Options with the defaults a counter runs with, for the few places that build one by hand (the
 * simulator, tests, benchmarks): give the counter, its data folder and its broker, change the rest.
 */
export function counterDeviceOptions(
  required: { ref: CounterRef; dataDir: string; url: string },
  overrides: Partial<Omit<CounterDeviceOptions, 'link'>> & { link?: Partial<LinkOptions> } = {},
): CounterDeviceOptions {
  const { link, ...rest } = overrides;
  return {
    ref: required.ref,
    dataDir: required.dataDir,
    machine: machineConfig(),
    clerk: null,
    timeZone: DEFAULT_TIME_ZONE,
    version: 'dev',
    tickMs: 250,
    holdMs: 1500,
    ...rest,
    link: { url: required.url, keepaliveS: 30, protocolVersion: 4, reconnectMinMs: 500, reconnectMaxMs: 30_000, window: 32, ...link },
  };
}

/** How often the retained state is checked against the device's health (outbox, disk, clock). */
const HEALTH_REPORT_MS = 60_000;
/** How soon after the outbox drains the retained state says so: one publish for a burst. */
const HEALTH_SETTLE_MS = 1000;

/** What a state says of the device's health: when this differs from the retained one's, it is stale. */
function healthKey(s: CounterState): string {
  return `${s.health?.outboxPending}/${s.health?.outboxRefused}/${s.health?.diskFull === true}/${s.clockSynced}`;
}

/** Local state that must survive a reboot so the counter comes back as the clerk left it. */
const PersistedState = z.object({
  status: CounterStatus,
  since: z.number(),
  clerk: Clerk.nullable(),
  notice: AwayNotice.nullable(),
  sessionId: z.string().nullable(),
  closedBy: z.enum(['schedule', 'command', 'clerk', 'vacant']).nullable().default(null),
});
type PersistedState = z.infer<typeof PersistedState>;
export type ResumeState = z.input<typeof PersistedState>;

/**
 * A state saved before a counter closed when nobody was signed in (or resumed from a history that
 * ends so) is read the same way: nobody at the desk is closed, never "free, please come".
 */
function vacantClosed(s: MachineState): MachineState {
  return s.clerk || s.status === 'closed' ? s : { ...s, status: 'closed', notice: null, closedBy: 'vacant' };
}

/**
 * The counter runtime: feeds button presses, commands and clock ticks through the pure state
 * machine, and carries out its effects at the edge — outbox first, then the confirmation the
 * person sees, then the light, display and retained state.
 */
export class CounterDevice {
  readonly bootId = randomUUID();
  readonly outbox: FileOutbox;
  readonly link: CounterLink;
  private state: MachineState;
  private queue: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private shownLight: LightColor | null = null;
  private shownLines = '';
  /** The office's notices as last received, and when (this device's clock). */
  private notices: { message: CounterNotices; receivedAt: number } | null = null;
  private gestures: GestureState = initialGestures();
  private holdTimer: NodeJS.Timeout | null = null;
  private healthTimer: NodeJS.Timeout | null = null;
  /** Set while the retained state is about to be told the outbox drained (HEALTH_SETTLE_MS). */
  private settleTimer: NodeJS.Timeout | null = null;
  /**
   * The machine's rules as this counter runs them (its zone; its fixed clerk, without a badge
   * reader), and what it hears of its site's other counters (link option `peers`).
   */
  private machine: MachineConfig;

  constructor(
    private readonly options: CounterDeviceOptions,
    private readonly hardware: CounterHardware,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    fs.mkdirSync(options.dataDir, { recursive: true });
    this.outbox = FileOutbox.open(path.join(options.dataDir, 'outbox'), options.outbox);
    const saved = this.loadState();
    const resumed = saved === null && options.resume ? PersistedState.parse(options.resume) : null;
    this.state = vacantClosed({ ...initialState(clock.now(), options.clerk), ...(saved ?? resumed ?? {}) });
    this.machine = {
      ...options.machine,
      timeZone: options.timeZone,
      fixedClerk: options.machine.fixedClerk ?? (hardware.badge ? null : options.clerk),
    };
    // Saved at once: a restart before the first change comes back to it, not to the default.
    if (resumed) this.saveState();
    this.link = new CounterLink(
      options.link,
      { ref: options.ref, bootId: this.bootId, version: options.version, panelUrl: options.panelUrl, scale: this.machine.scale },
      this.outbox,
      () => this.stateToPublish(),
      log,
      () => clock.now(),
    );
  }

  async start(): Promise<void> {
    const offEdge = this.hardware.buttons.onEdge((e) => this.onEdge(e));
    const offBadge = this.hardware.badge?.onBadge((badgeId) => this.input({ type: 'badge', badgeId }));
    this.unsubscribe = () => {
      offEdge();
      offBadge?.();
    };
    this.link.on('command', (command) => void this.onCommand(command).catch((err: unknown) => this.log.error({ err }, 'command failed')));
    this.link.on('up', () => void this.render());
    this.link.on('down', () => void this.render());
    this.link.on('notices', (message) => {
      this.notices = message && { message, receivedAt: this.clock.now() };
      void this.redraw();
    });
    this.link.on('acked', () => this.onAcked());
    this.link.on('peer', (m) => {
      this.machine = { ...this.machine, peers: updatePeers(this.machine.peers ?? new Map(), m) };
      void this.input({ type: 'peers' }).catch(() => {});
    });
    this.link.on('login_refused', () => void this.render());
    this.link.start();
    this.healthTimer = setInterval(() => this.reportHealth(), HEALTH_REPORT_MS);
    // A tick can fail only as a press can (outbox full); it is logged and shown, never fatal.
    // Each tick also redraws, so a message longer than the screen turns its pages.
    this.ticker = setInterval(() => {
      this.checkSchedule();
      void this.input({ type: 'tick' }).catch(() => {});
      void this.redraw();
    }, this.options.tickMs);
    this.checkSchedule();
    await this.render();
    this.log.info({ pending: this.outbox.size, lastSeq: this.outbox.lastSeq }, 'counter started');
  }

  async stop(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    if (this.holdTimer) clearTimeout(this.holdTimer);
    if (this.healthTimer) clearInterval(this.healthTimer);
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.unsubscribe?.();
    await this.queue;
    // SIGTERM from systemd: send what is still queued while the link is up, then say offline.
    await this.link.flush(this.options.flushOnStopMs ?? 5000);
    await this.link.stop();
    this.outbox.close();
  }

  private scheduledOpen: boolean | null = null;
  /** Events the full outbox had to refuse since start: counted and reported in the retained state. */
  private refused = 0;
  /** The last write to the outbox failed for want of space; cleared by the next that succeeds. */
  private diskFull = false;
  /** What the retained state last said of the device's health (healthKey), and its outbox then. */
  private publishedHealth = '';
  private publishedPending = 0;

  /**
   * The state as it goes out to the broker (the link calls this for every publish): what it says
   * of health is remembered, so the timers know when the retained state no longer tells the truth.
   * (Remembering only what the timer itself sent, it took the state a press published — its outbox
   * still holding the press's event, before the PUBACK — for up to date: "1" for ever.)
   */
  private stateToPublish(): CounterState {
    const state = this.counterState();
    this.publishedHealth = healthKey(state);
    this.publishedPending = state.health?.outboxPending ?? 0;
    return state;
  }

  /** Republish the retained state when what it says of health is no longer true. */
  private reportHealth(): void {
    if (healthKey(this.counterState()) === this.publishedHealth) return;
    this.link.publishState();
  }

  /**
   * An event was acknowledged. Once the outbox is empty while the retained state says events wait
   * (a press publishes its state before its event's PUBACK), the state is sent again shortly:
   * once per drained burst, and not at all under a stream of votes (they publish no state).
   */
  private onAcked(): void {
    if (this.outbox.size > 0 || this.publishedPending === 0 || this.settleTimer) return;
    this.settleTimer = setTimeout(() => {
      this.settleTimer = null;
      this.reportHealth();
    }, HEALTH_SETTLE_MS);
  }

  /** Tell the machine when the opening hours turn (and once at start, whatever they say). */
  private checkSchedule(): void {
    if (!this.options.schedule) return;
    const open = isOpen(this.options.schedule, this.clock.now(), this.options.timeZone);
    if (open === this.scheduledOpen) return;
    this.scheduledOpen = open;
    // The central side hears the hours turn even when the status does not (closed by hand already).
    void this.input({ type: 'schedule', open }).then(() => this.link.publishState()).catch(() => {});
  }

  /** A raw button edge: recognise the gesture, and arm a timer for a hold that may come. */
  private async onEdge(e: ButtonEdge): Promise<void> {
    const r = gestureEdge(this.gestures, e, this.clock.now());
    this.gestures = r.state;
    this.armHold();
    for (const g of r.gestures) await this.input(g);
  }

  private armHold(): void {
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = null;
    const at = nextHoldAt(this.gestures, this.options.holdMs);
    if (at === null) return;
    this.holdTimer = setTimeout(() => {
      const r = gestureTick(this.gestures, this.clock.now(), this.options.holdMs);
      this.gestures = r.state;
      this.armHold();
      for (const g of r.gestures) void this.input(g).catch(() => {});
    }, Math.max(0, at - this.clock.now()));
  }

  /** Feed one input through the machine; inputs are handled one at a time, in arrival order. */
  input(input: Input): Promise<void> {
    const run = this.queue.then(() => this.handle(input));
    this.queue = run.catch(() => {});
    return run;
  }

  /** Draw the display as of now, after what is queued: pages turn and notices run out. */
  redraw(): Promise<void> {
    this.queue = this.queue.then(() => this.render()).catch(() => {});
    return this.queue;
  }

  get machineState(): MachineState {
    return this.state;
  }

  counterState(): CounterState {
    const s = this.state;
    return {
      v: 1,
      ...this.options.ref,
      status: s.status,
      since: s.since,
      clerk: s.clerk,
      notice: s.notice,
      seq: this.outbox.lastSeq,
      at: this.clock.now(),
      clockSynced: this.clock.synced(),
      scale: this.machine.scale,
      inHours: this.options.schedule ? this.scheduledOpen : null,
      health: { outboxPending: this.outbox.size, outboxRefused: this.refused, ...(this.diskFull ? { diskFull: true } : {}) },
    };
  }

  private async handle(input: Input): Promise<void> {
    const now = this.clock.now();
    const { state, effects } = step(this.state, input, now, this.machine);
    if (state === this.state) return;
    const emits = effects.flatMap((e) => (e.type === 'emit' ? [e.event] : []));
    try {
      // All of a step's events or none, in one write: nothing is recorded, nothing changes,
      // nothing is confirmed when the outbox is full or the disk has no room.
      if (emits.length > 0) this.record(emits, now);
    } catch (err) {
      if (!(err instanceof OutboxFullError || err instanceof OutboxDiskFullError)) throw err;
      this.refused += emits.length;
      this.diskFull = err instanceof OutboxDiskFullError;
      this.log.error({ code: err.code, refused: this.refused }, err.message);
      this.link.publishState(); // the central side learns of it at once
      this.state = { ...this.state, awaySelection: null, hint: { text: this.diskFull ? 'disk_full' : 'outbox_full', until: now + 4000 } };
      await this.render();
      throw err;
    }
    if (this.diskFull && emits.length > 0) {
      this.diskFull = false; // recorded again: there is room
      this.link.publishState();
    }
    const confirmations: (() => Promise<void>)[] = [];
    for (const effect of effects) if (effect.type !== 'emit') confirmations.push(() => this.hardware.light.flash('green'));
    const statusChanged = state.status !== this.state.status || state.clerk !== this.state.clerk;
    const noticeChanged = state.notice !== this.state.notice;
    const persistedChanged =
      statusChanged || noticeChanged || state.sessionId !== this.state.sessionId || state.closedBy !== this.state.closedBy;
    this.state = state;
    // A vote changes nothing that must survive a reboot: don't rewrite the state file for it.
    if (persistedChanged) this.saveState();
    for (const confirm of confirmations) await confirm();
    await this.render();
    // A notice whose substitute changed goes out too: the board and the lobby show the retained state's.
    if (statusChanged || noticeChanged || effects.some((e) => e.type === 'emit' && e.event.type === 'state_changed')) {
      this.link.publishState();
    }
    this.link.drain();
  }

  private record(drafts: readonly EventDraft[], now: number): CounterEvent[] {
    const events = this.outbox.appendAll(
      drafts.map(
        (draft) =>
          ({
            ...draft,
            v: 1,
            id: newEventId(now),
            ...this.options.ref,
            at: now,
            clockSynced: this.clock.synced(),
            bootId: this.bootId,
          }) as UnsequencedEvent,
      ),
    );
    for (const event of events) this.log.debug({ seq: event.seq, type: event.type }, 'event recorded');
    return events;
  }

  private async onCommand(command: CounterCommand): Promise<void> {
    this.log.info({ type: command.type }, 'command received');
    if (command.type === 'resend_state') this.link.publishState();
    else await this.input({ type: 'set_open', open: command.open });
  }

  private async render(): Promise<void> {
    const now = this.clock.now();
    const light = STATUS_LIGHT[this.state.status];
    if (light !== this.shownLight) {
      this.shownLight = light;
      await this.hardware.light.set(light);
    }
    const lines = displayLines(this.state, now, this.machine, this.hardware.display.size, {
      linkUp: this.link.isUp,
      loginRefused: this.link.loginRefused !== null,
      timeZone: this.options.timeZone,
      notices: this.showingNotices(now),
    });
    const key = lines.join('\n');
    if (key !== this.shownLines) {
      this.shownLines = key;
      await this.hardware.display.show(lines);
    }
  }

  /**
   * The notices whose time has not run out. With a synchronised clock, by their end time; without
   * (a Pi before NTP may think it is 1970), by how long they had left when they arrived — a
   * stale notice must never stay up (S7).
   */
  showingNotices(now: number): { text: string; from: string }[] {
    if (!this.notices) return [];
    const { message, receivedAt } = this.notices;
    const synced = this.clock.synced();
    return message.notices.filter((n) => (synced ? now < n.until : now < receivedAt + (n.until - message.at)));
  }

  private get statePath(): string {
    return path.join(this.options.dataDir, 'state.json');
  }

  /** The saved state; null when there is none (first start), so a resume state may be used. */
  private loadState(): Partial<PersistedState> | null {
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(this.statePath, 'utf8'));
    } catch (err) {
      // First start: nothing saved. A file cut short: start fresh.
      return (err as NodeJS.ErrnoException).code === 'ENOENT' ? null : {};
    }
    const parsed = PersistedState.safeParse(raw);
    if (!parsed.success) {
      this.log.warn({ file: this.statePath }, 'saved state is not valid; starting as available');
      return {};
    }
    return parsed.data;
  }

  private saveState(): void {
    const { status, since, clerk, notice, sessionId, closedBy } = this.state;
    const persisted: PersistedState = { status, since, clerk, notice, sessionId, closedBy };
    try {
      writeAtomically(this.statePath, JSON.stringify(persisted));
    } catch (err) {
      // The state file only saves re-entering the state after a reboot; the events that made it
      // are in the outbox. A full disk must not stop the counter.
      this.log.error({ err }, 'could not save the counter state');
    }
  }
}
