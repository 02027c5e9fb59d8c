import { alertText, type AlertFacts, type AlertKind, type CounterEvent, type CounterView } from '@okienko/protocol';
import type { AlertCondition } from '../store/types.ts';

/**
 * What managers are told about (DESIGN "Manager"; STANDARDS S1, S5, M1, M4). Pure: the rules
 * look at the counters and the recent votes at a time `now` and say which alerts hold; the
 * engine around them raises what is new and clears what no longer holds.
 *
 * A key names one situation while it lasts: the same at every check until it ends, so it is
 * raised once; the store dedupes a key only against an alert still open, so the same situation
 * arising again after it ended is raised again. Where one occurrence could follow another
 * between two checks, the key holds what tells them apart (an away notice's return time, when
 * the bridge learned of an outage, the first vote of an unhappy run).
 */
export type { AlertKind };
export type { AlertCondition };

export interface AlertRules {
  /** How long past the announced return before "overdue" (people are a minute late). */
  overdueGraceMs: number;
  /** How long offline before it is news (a restart is not). */
  offlineGraceMs: number;
  /** This many unhappy votes in a row at a counter (face in the lower half of the scale). */
  unhappyRun: number;
  /** Unsent events on a device beyond which someone should look at its network. */
  backlogThreshold: number;
  /** How long a device may say its clock is unsynchronised before it is news (a Pi waits for NTP after every boot). */
  clockGraceMs: number;
}

export const DEFAULT_RULES: AlertRules = { overdueGraceMs: 2 * 60_000, offlineGraceMs: 60_000, unhappyRun: 3, backlogThreshold: 100, clockGraceMs: 5 * 60_000 };

/** A recent vote, as the unhappy-run rule keeps it. */
export interface RecentVote {
  face: number;
  scale: number;
  seq: number;
  /** The first vote of the unhappy run this one continues (null: a happy vote ends any run). */
  runFrom?: number | null;
}

/** A face in the lower half of its scale. */
const unhappy = (v: { face: number; scale: number }): boolean => v.face <= Math.floor(v.scale / 2);

const utc = (ms: number): string => `${new Date(ms).toISOString().slice(11, 16)} UTC`;

/** A condition with its facts, and the English message logs and scripts read. */
function alert(key: string, kind: AlertKind, site: string, counter: string | null, facts: AlertFacts = {}): AlertCondition {
  return { key, kind, site, counter, facts, message: alertText({ kind, site, counter, facts }, 'en', utc) };
}

export function alertConditions(
  counters: readonly CounterView[],
  recentVotes: ReadonlyMap<string, readonly RecentVote[]>,
  now: number,
  rules: AlertRules = DEFAULT_RULES,
): AlertCondition[] {
  const out: AlertCondition[] = [];
  for (const c of counters) {
    const id = `${c.site}/${c.counter}`;
    if (c.status === 'away' && c.notice && now > c.notice.backAt + rules.overdueGraceMs) {
      out.push(alert(`${id}/away_overdue/${c.notice.backAt}`, 'away_overdue', c.site, c.counter, { who: c.notice.signedBy.name, at: c.notice.backAt }));
    }
    // The grace counts from when the bridge learned it went offline, not from its last message: a
    // quiet counter that reboots is back within the grace. (Rows from before offlineAt: lastSeen.)
    const offlineAt = c.offlineAt ?? c.lastSeen;
    if (c.status === 'offline' && now - offlineAt > rules.offlineGraceMs) {
      out.push(alert(`${id}/offline/${offlineAt}`, 'offline', c.site, c.counter, { at: c.lastSeen }));
    }
    const votes = recentVotes.get(id) ?? [];
    const run = votes.slice(-rules.unhappyRun);
    if (run.length === rules.unhappyRun && run.every(unhappy)) {
      // Keyed by the run's first vote: a fourth unhappy vote goes on with the same run.
      const from = run[run.length - 1]!.runFrom ?? run[0]!.seq;
      out.push({ ...alert(`${id}/unhappy_run/${from}`, 'unhappy_run', c.site, c.counter, { count: rules.unhappyRun }), once: true });
    }
    if (c.online && (c.health?.outboxPending ?? 0) > rules.backlogThreshold) {
      out.push(alert(`${id}/outbox_backlog`, 'outbox_backlog', c.site, c.counter, { count: c.health!.outboxPending }));
    }
    if (c.online && c.health?.diskFull === true) {
      out.push(alert(`${id}/disk_full`, 'disk_full', c.site, c.counter));
    }
    // Rows from before clockUnsyncedAt was kept have none: they are past any grace.
    if (c.online && c.clockSynced === false && now - (c.clockUnsyncedAt ?? -Infinity) > rules.clockGraceMs) {
      out.push(alert(`${id}/clock_unsynced`, 'clock_unsynced', c.site, c.counter));
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
      out.push(alert(`${site}/no_counter_available`, 'no_counter_available', site, null));
    }
  }
  return out;
}

/** Keep the last few unflagged votes per counter, for the unhappy-run rule. */
export function rememberVote(votes: Map<string, RecentVote[]>, e: CounterEvent, keep = 10): void {
  if (e.type !== 'feedback' || e.flagged) return;
  const id = `${e.site}/${e.counter}`;
  const list = votes.get(id) ?? [];
  // Which run an unhappy vote belongs to is known here, however long the run grows past `keep`.
  const runFrom = unhappy(e) ? (list[list.length - 1]?.runFrom ?? e.seq) : null;
  votes.set(id, [...list, { face: e.face, scale: e.scale, seq: e.seq, runFrom }].slice(-keep));
}
