import { localParts, startOfDay, type AwayNotice, type AwayReason, type Clerk, type CounterEvent, type CounterStatus, type Weekday } from '@okienko/protocol';
import { polishHolidays, type ResumeState } from '@okienko/device';
import { between, seededRandom, seededUuid, weighted, type Random } from './random.ts';
import type { SimCounterSpec } from './fleet.ts';

/**
 * The demo office's past: four weeks of office days at the demo counters, made up but lifelike —
 * clerks badge in before opening, serve residents (busier in the morning), step away for a
 * moment, an errand or lunch and mostly come back on time (a few late, more on a bad day),
 * residents vote after being served (each clerk with a spread of their own), some days a clerk
 * is off sick, and the counters close at closing time. Pure: the same counters, "now" and seed
 * give the same events, ids included.
 *
 * Every event carries the boot id `demo-history`, and each counter's numbers run 1…N: the
 * simulated counter then goes on from N + 1 (its outbox's `startAfter`), so the bridge takes
 * its events as the next ones and finds no gap. The history ends just before "now" with each
 * counter open and its clerk signed in, and one clerk away and already late: the counters resume
 * in that state (`resume`), and the first alert comes, and goes, within the demo's first minute.
 */
export const DEMO_BOOT_ID = 'demo-history';

/** Opening hours of the demo office (minutes after midnight): Monday longer, as many Polish offices do. */
export const DEMO_HOURS: Record<Weekday, [number, number] | null> = {
  mon: [8 * 60, 18 * 60],
  tue: [8 * 60, 16 * 60],
  wed: [8 * 60, 16 * 60],
  thu: [8 * 60, 16 * 60],
  fri: [8 * 60, 16 * 60],
  sat: null,
  sun: null,
};

export interface DemoHistory {
  /** Every counter's events, each counter's in sequence order. */
  events: CounterEvent[];
  /** Each counter's last sequence number in the history (key `site/counter`). */
  lastSeq: Record<string, number>;
  /** Where each counter stands when the history ends: the simulated counter starts there. */
  resume: Record<string, ResumeState>;
  /** The counter whose clerk is away and late as the demo starts (null with fewer than two counters). */
  late: string | null;
}

export interface DemoHistoryOptions {
  counters: readonly SimCounterSpec[];
  now: number;
  timeZone: string;
  seed: number;
  /** Calendar days back from today (today included up to shortly before now). */
  days?: number;
}

const MIN = 60_000;
/** Votes per face (1 = unhappiest … 4 = happiest) for each clerk in turn, and on a bad day. */
const PROFILES = [
  [0.04, 0.08, 0.33, 0.55],
  [0.08, 0.14, 0.4, 0.38],
  [0.02, 0.05, 0.25, 0.68],
  [0.12, 0.2, 0.38, 0.3],
  [0.05, 0.1, 0.35, 0.5],
  [0.06, 0.12, 0.42, 0.4],
];
const BAD_DAY = [0.25, 0.3, 0.3, 0.15];
const PRESETS: Record<'short5' | 'short15' | 'errand' | 'break', { reason: AwayReason; minutes: number }> = {
  short5: { reason: 'short', minutes: 5 },
  short15: { reason: 'short', minutes: 15 },
  errand: { reason: 'errand', minutes: 30 },
  break: { reason: 'break', minutes: 15 },
};

/** The instant of a wall-clock time on an office calendar date, DST days included. */
export function officeTime(date: string, minutes: number, timeZone: string): number {
  const guess = startOfDay(Date.parse(`${date}T12:00:00Z`), timeZone) + minutes * MIN;
  const got = localParts(guess, timeZone);
  const dayShift = got.date === date ? 0 : got.date > date ? -1440 : 1440;
  return guess + (minutes - got.minutes + dayShift) * MIN;
}

const previousDate = (date: string): string => new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
const WEEKDAYS: Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const weekdayOf = (date: string): Weekday => WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()]!;
const roundUpToMinute = (ms: number): number => Math.ceil(ms / MIN) * MIN;

/** One counter's day by day, as its device would have recorded it. */
class CounterPast {
  readonly events: CounterEvent[] = [];
  status: CounterStatus = 'closed';
  clerk: Clerk | null = null;
  notice: AwayNotice | null = null;
  since = 0;
  sessionId: string | null = null;

  constructor(
    readonly spec: SimCounterSpec,
    private readonly random: Random,
  ) {}

  private base(at: number) {
    return { v: 1 as const, site: this.spec.ref.site, counter: this.spec.ref.counter, id: seededUuid(this.random), seq: this.events.length + 1, at, clockSynced: true, bootId: DEMO_BOOT_ID };
  }

  change(at: number, to: CounterStatus, cause: 'clerk' | 'schedule', notice: AwayNotice | null = null): void {
    if (to === 'serving') this.sessionId = `s${at.toString(36)}`;
    this.events.push({ ...this.base(at), type: 'state_changed', from: this.status, to, clerk: this.clerk, notice, cause });
    this.status = to;
    this.notice = notice;
    this.since = at;
  }

  signIn(at: number, clerk: Clerk | null, cause: 'badge' | 'end_of_day'): void {
    this.clerk = clerk;
    this.events.push({ ...this.base(at), type: 'clerk_changed', clerk, cause });
  }

  vote(at: number, face: number, flagged = false): void {
    this.events.push({ ...this.base(at), type: 'feedback', face, scale: 4, clerk: this.clerk, sessionId: this.sessionId, flagged });
  }

  away(at: number, preset: { reason: AwayReason; minutes: number }): number {
    const notice: AwayNotice = { backAt: roundUpToMinute(at + preset.minutes * MIN), reason: preset.reason, substitute: this.spec.substitute, signedBy: this.clerk! };
    this.change(at, 'away', 'clerk', notice);
    return notice.backAt;
  }

  /** The end of the day: by the clerk's own "end of day" or at closing time; the clerk signs out. */
  close(at: number, cause: 'clerk' | 'schedule'): void {
    this.change(at, 'closed', cause);
    this.signIn(at, null, 'end_of_day');
  }
}

/** Minutes a counter waits for its next resident: busier from nine to noon. */
function idleMinutes(random: Random, minuteOfDay: number): number {
  const mean = minuteOfDay >= 9 * 60 && minuteOfDay < 12 * 60 ? 2.5 : 5;
  return Math.min(25, Math.max(0.5, -mean * Math.log(1 - random())));
}

function simulateDay(c: CounterPast, random: Random, profile: readonly number[], date: string, hours: [number, number], timeZone: string, cutAt: number): void {
  const openAt = officeTime(date, hours[0], timeZone);
  const closeAt = officeTime(date, hours[1], timeZone);
  const endAt = Math.min(closeAt, cutAt);
  if (random() < 0.04) return; // off sick: the counter stays closed all day
  const signInAt = openAt - between(random, 1, 8) * MIN;
  if (signInAt >= endAt - 30 * MIN) return;
  const bad = random() < 0.07;
  c.signIn(signInAt, c.spec.clerk, 'badge');
  c.change(openAt, 'available', 'schedule');
  const aways: { at: number; preset: { reason: AwayReason; minutes: number } }[] = [
    { at: officeTime(date, between(random, 690, 780), timeZone), preset: PRESETS.break },
    ...Array.from({ length: between(random, 1, 2) }, () => ({
      at: officeTime(date, between(random, hours[0] + 20, hours[1] - 40), timeZone),
      preset: random() < 0.6 ? PRESETS.short5 : PRESETS.short15,
    })),
    ...(random() < 0.3 ? [{ at: officeTime(date, between(random, hours[0] + 60, hours[1] - 90), timeZone), preset: PRESETS.errand }] : []),
  ].sort((a, b) => a.at - b.at);
  const endOfDayAt = random() < 0.25 ? closeAt - between(random, 5, 20) * MIN : null;
  let t = openAt + between(random, 0, 90) * 1000;
  while (t < endAt) {
    if (endOfDayAt !== null && t >= endOfDayAt && endOfDayAt < endAt) {
      c.close(t, 'clerk');
      return;
    }
    const away = aways[0];
    if (away && t >= away.at) {
      aways.shift();
      if (t + 2 * MIN >= endAt) continue; // too late in the day to step away
      const backAt = c.away(t, away.preset);
      const late = random() < (bad ? 0.35 : 0.1);
      let back = late ? backAt + between(random, 3, 12) * MIN + between(random, 0, 59) * 1000 : backAt - between(random, 0, 3) * MIN - between(random, 0, 59) * 1000;
      back = Math.max(t + MIN, Math.min(back, endAt - MIN));
      c.change(back, 'available', 'clerk');
      t = back + between(random, 20, 120) * 1000;
      continue;
    }
    t += Math.round(idleMinutes(random, localParts(t, timeZone).minutes) * MIN);
    const serveMs = between(random, 3, 14) * MIN + between(random, 0, 59) * 1000;
    if (t + serveMs + MIN >= endAt) break;
    c.change(t, 'serving', 'clerk');
    t += serveMs;
    c.change(t, 'available', 'clerk');
    if (random() < 0.6) {
      const voteAt = t + between(random, 5, 40) * 1000;
      c.vote(voteAt, weighted(random, bad ? BAD_DAY : profile) + 1);
      // Now and then a child at the buttons: kept, flagged, not counted.
      if (random() < 0.02) for (let i = 1; i <= 3; i++) c.vote(voteAt + i * 1500, between(random, 1, 4), true);
      t = voteAt;
    }
    t += between(random, 30, 90) * 1000;
  }
  if (endAt === closeAt && c.status !== 'closed') c.close(closeAt, 'schedule');
}

/** The demo office's history; see the module's comment. */
export function demoHistory(opts: DemoHistoryOptions): DemoHistory {
  const { counters, now, timeZone } = opts;
  const random = seededRandom(opts.seed);
  const today = localParts(now, timeZone).date;
  const dates: string[] = [];
  for (let d = today, i = 0; i < (opts.days ?? 28); i++, d = previousDate(d)) dates.unshift(d);
  const holidays = new Set([...new Set(dates.map((d) => Number(d.slice(0, 4))))].flatMap((y) => polishHolidays(y)));
  // The history stops ten minutes before "now"; the counters open for the demo at nine.
  const cutAt = now - 10 * MIN;
  const openAt = now - 9 * MIN;
  const pasts = counters.map((spec) => new CounterPast(spec, random));
  for (const date of dates) {
    const hours = DEMO_HOURS[weekdayOf(date)];
    if (!hours || holidays.has(date)) continue;
    for (const [i, c] of pasts.entries()) simulateDay(c, random, PROFILES[i % PROFILES.length]!, date, hours, timeZone, cutAt);
  }
  const late = pasts.length > 1 ? pasts[1]! : null;
  for (const c of pasts) {
    if (c.status === 'closed') {
      c.signIn(openAt - MIN / 2, c.spec.clerk, 'badge');
      c.change(openAt, 'available', 'schedule');
    }
  }
  // Stepped away for five minutes eight and a half minutes ago: late by more than the two
  // minutes' grace as the demo starts.
  late?.away(now - 8.5 * MIN, PRESETS.short5);
  const key = (c: CounterPast): string => `${c.spec.ref.site}/${c.spec.ref.counter}`;
  return {
    events: pasts.flatMap((c) => c.events),
    lastSeq: Object.fromEntries(pasts.map((c) => [key(c), c.events.length])),
    resume: Object.fromEntries(pasts.map((c) => [key(c), { status: c.status, since: c.since, clerk: c.clerk, notice: c.notice, sessionId: c.sessionId, closedBy: null }])),
    late: late ? key(late) : null,
  };
}
