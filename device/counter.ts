import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { CounterCommand, CounterEvent, CounterState, UnsequencedEvent } from '@okienko/protocol/messages';
import { newEventId } from '@okienko/protocol/ids';
import type { ButtonEdge, CounterHardware, LightColor } from '@okienko/hardware';
import { edge as gestureEdge, initialGestures, nextHoldAt, tick as gestureTick, type GestureState } from './gestures.ts';
import { initialState, step, type EventDraft, type Input, type MachineConfig, type MachineState } from './machine.ts';
import { updatePeers } from './presence.ts';
import { FileOutbox, OutboxDiskFullError, OutboxFullError } from './outbox.ts';
import { CounterLink } from './link.ts';
import type { Clock } from './clock.ts';
import { isOpen } from './schedule.ts';
import { counterView, showingNotices } from './render.ts';
import { saveState, savedStateChanged, startingState } from './saved-state.ts';
import { HealthReport } from './health.ts';
import { Timers } from './timers.ts';
import type { CounterDeviceOptions, CounterRuntimeOptions } from './counter-options.ts';

/** What the runtime needs of its outbox (FileOutbox). */
export type CounterOutbox = Pick<FileOutbox, 'lastSeq' | 'size' | 'pending' | 'appendAll' | 'close'>;
/** What the runtime needs of its link to the broker (CounterLink). */
export type CounterLinkPort = Pick<CounterLink, 'isUp' | 'loginRefused' | 'on' | 'start' | 'stop' | 'flush' | 'drain' | 'publishState'>;

/** What the composition root hands the runtime: the parts at its edge. */
export interface CounterParts<L extends CounterLinkPort> {
  hardware: CounterHardware;
  clock: Clock;
  log: Logger;
  outbox: CounterOutbox;
  /** Publishes `stateToPublish()` as the retained state. */
  link: L;
  /** This run's id, as the link announces it; stamped on every event. */
  bootId: string;
}

/**
 * The counter runtime: feeds button presses, commands, notices and clock ticks through the pure
 * state machine, and carries out its effects at the edge — outbox first, then the confirmation
 * the person sees, then the light, display and retained state.
 */
export class CounterDevice<L extends CounterLinkPort = CounterLink> {
  readonly bootId: string;
  readonly outbox: CounterOutbox;
  readonly link: L;
  private readonly hardware: CounterHardware;
  private readonly clock: Clock;
  private readonly log: Logger;
  private state: MachineState;
  private queue: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | null = null;
  private readonly timers = new Timers<'ticker' | 'hold' | 'health' | 'settle'>();
  private readonly healthReport: HealthReport;
  private shownLight: LightColor | null = null;
  private shownLines = '';
  private gestures: GestureState = initialGestures();
  private scheduledOpen: boolean | null = null;
  /**
   * The machine's rules as this counter runs them (its zone; its fixed clerk, without a badge
   * reader), and what it hears of its site's other counters (link option `peers`).
   */
  private machine: MachineConfig;

  /**
   * A counter as it runs: its outbox in its data folder, its link to the broker. For the places
   * that build one by hand (the CLI, the simulator, tests, benchmarks).
   */
  static open(options: CounterDeviceOptions, hardware: CounterHardware, clock: Clock, log: Logger): CounterDevice {
    const outbox = FileOutbox.open(path.join(options.dataDir, 'outbox'), options.outbox);
    const bootId = randomUUID();
    const identity = { ref: options.ref, bootId, version: options.version, panelUrl: options.panelUrl, scale: options.machine.scale };
    // The link asks the runtime what to publish; the runtime exists before the link ever connects.
    let device: CounterDevice | null = null;
    const link = new CounterLink(options.link, identity, outbox, () => device!.stateToPublish(), log, () => clock.now());
    device = new CounterDevice(options, { hardware, clock, log, outbox, link, bootId });
    return device;
  }

  constructor(
    private readonly options: CounterRuntimeOptions,
    parts: CounterParts<L>,
  ) {
    ({ hardware: this.hardware, clock: this.clock, log: this.log, outbox: this.outbox, link: this.link, bootId: this.bootId } = parts);
    fs.mkdirSync(options.dataDir, { recursive: true });
    this.state = startingState(options.dataDir, initialState(this.clock.now(), options.clerk), options.resume, this.log);
    this.machine = {
      ...options.machine,
      timeZone: options.timeZone,
      fixedClerk: options.machine.fixedClerk ?? (this.hardware.badge ? null : options.clerk),
    };
    this.healthReport = new HealthReport({
      current: () => this.counterState(),
      publish: () => this.link.publishState(),
      pending: () => this.outbox.size,
      timers: this.timers,
    });
  }

  async start(): Promise<void> {
    const offEdge = this.hardware.buttons.onEdge((e) => this.onEdge(e));
    const offBadge = this.hardware.badge?.onBadge((badgeId) => this.input({ type: 'badge', badgeId }));
    this.unsubscribe = () => {
      offEdge();
      offBadge?.();
    };
    const link = this.link;
    link.on('command', (command) => void this.onCommand(command).catch((err: unknown) => this.log.error({ err }, 'command failed')));
    link.on('up', () => void this.render());
    link.on('down', () => void this.render());
    link.on('notices', (message) => void this.input({ type: 'notices', message, receivedAt: this.clock.now() }).catch(() => {}));
    link.on('acked', () => this.healthReport.onAcked());
    link.on('peer', (m) => {
      this.machine = { ...this.machine, peers: updatePeers(this.machine.peers ?? new Map(), m) };
      void this.input({ type: 'peers' }).catch(() => {});
    });
    link.on('login_refused', () => void this.render());
    link.start();
    this.healthReport.start();
    // A tick can fail only as a press can (outbox full); it is logged and shown, never fatal.
    // Each tick also redraws, so a message longer than the screen turns its pages.
    this.timers.every('ticker', this.options.tickMs, () => {
      this.checkSchedule();
      void this.input({ type: 'tick' }).catch(() => {});
      void this.redraw();
    });
    this.checkSchedule();
    await this.render();
    this.log.info({ pending: this.outbox.size, lastSeq: this.outbox.lastSeq }, 'counter started');
  }

  async stop(): Promise<void> {
    this.timers.clearAll();
    this.unsubscribe?.();
    await this.queue;
    // SIGTERM from systemd: send what is still queued while the link is up, then say offline.
    await this.link.flush(this.options.flushOnStopMs ?? 5000);
    await this.link.stop();
    this.outbox.close();
  }

  /** The state as it goes out to the broker (the link calls this for every publish). */
  stateToPublish(): CounterState {
    return this.healthReport.published(this.counterState());
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
    this.timers.clear('hold');
    const at = nextHoldAt(this.gestures, this.options.holdMs);
    if (at === null) return;
    this.timers.after('hold', Math.max(0, at - this.clock.now()), () => {
      const r = gestureTick(this.gestures, this.clock.now(), this.options.holdMs);
      this.gestures = r.state;
      this.armHold();
      for (const g of r.gestures) void this.input(g).catch(() => {});
    });
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

  /** The office's notices showing now (read from the machine's state). */
  showingNotices(now: number): { text: string; from: string }[] {
    return showingNotices(this.state.officeNotices, now, this.clock.synced());
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
      health: this.healthReport.health(),
    };
  }

  private async handle(input: Input): Promise<void> {
    const now = this.clock.now();
    const { state, effects } = step(this.state, input, now, this.machine);
    if (state === this.state) return;
    const emits = effects.flatMap((e) => (e.type === 'emit' ? [e.event] : []));
    const health = this.healthReport;
    try {
      // All of a step's events or none, in one write: nothing is recorded, nothing changes,
      // nothing is confirmed when the outbox is full or the disk has no room.
      if (emits.length > 0) this.record(emits, now);
    } catch (err) {
      if (!(err instanceof OutboxFullError || err instanceof OutboxDiskFullError)) throw err;
      health.refused += emits.length;
      health.diskFull = err instanceof OutboxDiskFullError;
      this.log.error({ code: err.code, refused: health.refused }, err.message);
      this.link.publishState(); // the central side learns of it at once
      this.state = { ...this.state, awaySelection: null, hint: { text: health.diskFull ? 'disk_full' : 'outbox_full', until: now + 4000 } };
      await this.render();
      throw err;
    }
    if (health.diskFull && emits.length > 0) {
      health.diskFull = false; // recorded again: there is room
      this.link.publishState();
    }
    const confirmations: (() => Promise<void>)[] = [];
    for (const effect of effects) if (effect.type !== 'emit') confirmations.push(() => this.hardware.light.flash('green'));
    const statusChanged = state.status !== this.state.status || state.clerk !== this.state.clerk;
    const noticeChanged = state.notice !== this.state.notice;
    const persistedChanged = savedStateChanged(this.state, state);
    this.state = state;
    // A vote changes nothing that must survive a reboot: don't rewrite the state file for it.
    if (persistedChanged) saveState(this.options.dataDir, this.state, this.log);
    for (const confirm of confirmations) await confirm();
    await this.render();
    // A notice whose substitute changed goes out too: the board and the lobby show the retained state's.
    if (statusChanged || noticeChanged || effects.some((e) => e.type === 'emit' && e.event.type === 'state_changed')) {
      this.link.publishState();
    }
    this.link.drain();
  }

  private record(drafts: readonly EventDraft[], now: number): CounterEvent[] {
    const ids = { ...this.options.ref, at: now, clockSynced: this.clock.synced(), bootId: this.bootId };
    const events = this.outbox.appendAll(drafts.map((draft) => ({ ...draft, v: 1, id: newEventId(now), ...ids }) as UnsequencedEvent));
    for (const event of events) this.log.debug({ seq: event.seq, type: event.type }, 'event recorded');
    return events;
  }

  private async onCommand(command: CounterCommand): Promise<void> {
    this.log.info({ type: command.type }, 'command received');
    if (command.type === 'resend_state') this.link.publishState();
    else await this.input({ type: 'set_open', open: command.open });
  }

  /** Show the machine's state: only what differs from what the light and display show already. */
  private async render(): Promise<void> {
    const view = counterView(this.state, this.clock.now(), this.machine, {
      size: this.hardware.display.size,
      linkUp: this.link.isUp,
      loginRefused: this.link.loginRefused !== null,
      timeZone: this.options.timeZone,
      clockSynced: this.clock.synced(),
    });
    if (view.light !== this.shownLight) {
      this.shownLight = view.light;
      await this.hardware.light.set(view.light);
    }
    const key = view.lines.join('\n');
    if (key !== this.shownLines) {
      this.shownLines = key;
      await this.hardware.display.show(view.lines);
    }
  }
}
