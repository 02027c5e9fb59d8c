import type { Availability, Clerk, CounterState, CounterStatus, Substitute } from '@okienko/protocol/messages';
import { counterNumber } from '@okienko/protocol/wording';

/**
 * Who is at the site's other counters, as their own retained state and availability say (S1: a
 * notice names someone residents can actually go to). Read straight from the broker, so it holds
 * while the bridge is down. Pure: the link hands over messages, the machine asks for a substitute.
 */
export interface Peer {
  status: CounterStatus | null;
  clerk: Clerk | null;
  /** null: its availability not heard (a retained state alone says nothing of whether it is up). */
  online: boolean | null;
}

/** The site's other counters by counter id; null when the counter does not listen (or has heard nothing). */
export type Peers = ReadonlyMap<string, Peer>;

/** A message on a peer's retained topic; null: the retained message was cleared. */
export type PeerMessage = { counter: string; state: CounterState | null } | { counter: string; availability: Availability | null };

export function updatePeers(peers: Peers, m: PeerMessage): Map<string, Peer> {
  const next = new Map(peers);
  const was = peers.get(m.counter) ?? { status: null, clerk: null, online: null };
  if ('state' in m) next.set(m.counter, { ...was, status: m.state?.status ?? null, clerk: m.state?.clerk ?? null });
  else next.set(m.counter, { ...was, online: m.availability ? m.availability.status === 'online' : null });
  return next;
}

/** "stanowisko 3" for okienko-3: how notices name a place (a counter id without a number as it is). */
export function counterPlace(counter: string): string {
  return `stanowisko ${counterNumber(counter)}`;
}

/** Clerks at a counter of the site who can take a resident now (free or serving, not offline), in counter order. */
export function presentClerks(peers: Peers): Substitute[] {
  return [...peers.entries()]
    .filter(([, p]) => p.clerk && p.online !== false && (p.status === 'available' || p.status === 'serving'))
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([counter, p]) => ({ name: p.clerk!.name, where: counterPlace(counter) }));
}

/**
 * Who an away notice sends residents to. Never the clerk who leaves. Each configured substitute
 * (the clerk's own, then the counter's) in turn: one who is a clerk (on the roster or seen at a
 * counter) is named only when present, at the counter they are at today; one who is not (an
 * office down the corridor) as configured. Else anyone present. Without word of the other
 * counters (a counter alone on its site, or before their states arrive), as configured.
 */
export function chooseSubstitute(leaving: Clerk, configured: readonly (Substitute | null)[], peers: Peers | null, rosterNames: ReadonlySet<string>): Substitute | null {
  const candidates = configured.filter((c): c is Substitute => c !== null && c.name !== leaving.name);
  if (!peers || peers.size === 0) return candidates[0] ?? null;
  const present = presentClerks(peers).filter((p) => p.name !== leaving.name);
  const seen = new Set([...peers.values()].flatMap((p) => (p.clerk ? [p.clerk.name] : [])));
  for (const c of candidates) {
    if (!rosterNames.has(c.name) && !seen.has(c.name)) return c;
    const here = present.find((p) => p.name === c.name);
    if (here) return here;
  }
  return present[0] ?? null;
}
