import type { AlertKind, CounterEvent, CounterView } from '@okienko/protocol';

/**
 * What managers are told about (DESIGN "Manager"; STANDARDS S1, S5, M1, M4). Pure: the rules
 * look at the counters and the recent votes at a time `now` and say which alerts hold; the
 * engine around them raises what is new and clears what no longer holds.
 */
export type { AlertKind };

export interface AlertCondition {
  /** Stable while the same situation lasts: one alert per situation, not one per check. */
  key: string;
  kind: AlertKind;
  site: string;
  counter: string | null;
  message: string;
}

export interface AlertRules {
  /** How long past the announced return before "overdue" (people are a minute late). */
  overdueGraceMs: number;
  /** How long offline before it is news (a restart is not). */
  offlineGraceMs: number;
  /** This many unhappy votes in a row at a counter (face in the lower half of the scale). */
  unhappyRun: number;
  /** Unsent events on a device beyond which someone should look at its network. */
  backlogThreshold: number;
}

export const DEFAULT_RULES: AlertRules = { overdueGraceMs: 2 * 60_000, offlineGraceMs: 60_000, unhappyRun: 3, backlogThreshold: 100 };

const hhmm = (ms: number): string => new Date(ms).toISOString().slice(11, 16);

export function alertConditions(
  counters: readonly CounterView[],
  recentVotes: ReadonlyMap<string, readonly { face: number; scale: number; seq: number }[]>,
  now: number,
  rules: AlertRules = DEFAULT_RULES,
): AlertCondition[] {
  const out: AlertCondition[] = [];
  for (const c of counters) {
    const id = `${c.site}/${c.counter}`;
    if (c.status === 'away' && c.notice && now > c.notice.backAt + rules.overdueGraceMs) {
      out.push({ key: `${id}/away_overdue/${c.notice.backAt}`, kind: 'away_overdue', site: c.site, counter: c.counter, message: `${id}: ${c.notice.signedBy.name} announced a return at ${hhmm(c.notice.backAt)} UTC and is not back` });
    }
    if (c.status === 'offline' && now - c.lastSeen > rules.offlineGraceMs) {
      out.push({ key: `${id}/offline/${c.lastSeen}`, kind: 'offline', site: c.site, counter: c.counter, message: `${id} is offline (last seen ${hhmm(c.lastSeen)} UTC)` });
    }
    const votes = recentVotes.get(id) ?? [];
    const run = votes.slice(-rules.unhappyRun);
    if (run.length === rules.unhappyRun && run.every((v) => v.face <= Math.floor(v.scale / 2))) {
      out.push({ key: `${id}/unhappy_run/${run[0]!.seq}`, kind: 'unhappy_run', site: c.site, counter: c.counter, message: `${id}: ${rules.unhappyRun} unhappy votes in a row` });
    }
    if (c.online && (c.health?.outboxPending ?? 0) > rules.backlogThreshold) {
      out.push({ key: `${id}/outbox_backlog`, kind: 'outbox_backlog', site: c.site, counter: c.counter, message: `${id} holds ${c.health!.outboxPending} unsent events` });
    }
    if (c.online && c.clockSynced === false) {
      out.push({ key: `${id}/clock_unsynced`, kind: 'clock_unsynced', site: c.site, counter: c.counter, message: `${id}: its clock is not synchronised (events are dated by the bridge)` });
    }
  }
  // S5: a resident must never face only empty counters. The site is open when any counter is not
  // closed (counters close themselves outside their hours) or any counter's own hours say it should
  // be open (closed by hand during hours); nobody is there when none is free or serving.
  const sites = new Map<string, CounterView[]>();
  for (const c of counters) sites.set(c.site, [...(sites.get(c.site) ?? []), c]);
  for (const [site, list] of sites) {
    const open = list.some((c) => c.lastStatus !== 'closed' || c.inHours === true);
    const staffed = list.some((c) => c.status === 'available' || c.status === 'serving');
    if (open && !staffed) {
      out.push({ key: `${site}/no_counter_available`, kind: 'no_counter_available', site, counter: null, message: `${site}: no counter is free or serving while the office is open` });
    }
  }
  return out;
}

/** Keep the last few unflagged votes per counter, for the unhappy-run rule. */
export function rememberVote(votes: Map<string, { face: number; scale: number; seq: number }[]>, e: CounterEvent, keep = 10): void {
  if (e.type !== 'feedback' || e.flagged) return;
  const id = `${e.site}/${e.counter}`;
  votes.set(id, [...(votes.get(id) ?? []), { face: e.face, scale: e.scale, seq: e.seq }].slice(-keep));
}
