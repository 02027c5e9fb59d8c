import type { Clerk, CounterRef, CounterStatus, AwayNotice } from '@okienko/protocol';

/** A counter's key in maps: site and counter names are topic levels, so they hold no '/'. */
export const counterKey = (ref: CounterRef): string => `${ref.site}/${ref.counter}`;

export type Projector = (row: CounterRow | null) => CounterRow | null;

/** A counter as the central side knows it. `status` is what it last said; `online` is what the broker says. */
export interface CounterRow {
  site: string;
  counter: string;
  status: CounterStatus;
  online: boolean;
  bootId: string | null;
  clerk: Clerk | null;
  since: number | null;
  notice: AwayNotice | null;
  seq: number;
  scale: number;
  lastSeen: number;
  panelUrl: string | null;
  version: string | null;
  /**
   * Bridge time minus device time for the current boot, measured when it came online: lets the
   * bridge date events from a Pi whose clock is not synchronised (no battery clock).
   */
  clockOffsetMs?: number | null;
  /** What the device last said of its own health, and whether its clock is synchronised. */
  health?: { outboxPending: number; outboxRefused: number } | null;
  clockSynced?: boolean | null;
  /**
   * When the device first said its clock is unsynchronised since it last said it is synchronised
   * (bridge time): the clock alert's grace counts from here, so a Pi that reboots and waits a
   * minute for NTP raises nothing. A reboot does not restart it: still unsynchronised is not new.
   */
  clockUnsyncedAt?: number | null;
  /** Whether the counter's own opening hours say it should be open now (null: it has none). */
  inHours?: boolean | null;
  /** Highest event sequence number stored (the retained state's `seq` may run ahead of it). */
  lastEventSeq?: number;
  /** Event sequence numbers skipped below it: a gap, until they arrive. */
  missing?: number[];
  /**
   * When the bridge learned the counter went offline (bridge time; null while online): the
   * offline alert's grace counts from here — from its last message, a quiet counter that rebooted
   * was "offline" at once. Absent on rows from before it was kept.
   */
  offlineAt?: number | null;
  /**
   * When the bridge first heard of the counter (bridge time): reports count the time before a
   * counter's first stored state change from here, never from before it existed. Absent on rows
   * from before it was kept.
   */
  firstSeen?: number;
}

/** Counters' rows as the central side knows them (moved on only by `EventStore.write`). */
export interface CounterStore {
  getCounter(site: string, counter: string): Promise<CounterRow | null>;
  listCounters(): Promise<CounterRow[]>;
}
