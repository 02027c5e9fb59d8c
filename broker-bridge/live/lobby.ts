import type { LobbyCounter, LobbyView, NoticeView } from '@okienko/protocol';
import type { CounterRow } from '../store/types.ts';

/**
 * What the lobby board may show of a counter: exactly what its own display shows anyone in
 * front of it. Pure, and the one place that decides it: the public endpoint carries nothing else.
 */
export function lobbyCounter(c: CounterRow): LobbyCounter {
  const status = c.online ? c.status : 'unknown';
  const notice = status === 'away' ? c.notice : null;
  return {
    site: c.site,
    counter: c.counter,
    status,
    clerk: status === 'available' || status === 'serving' || status === 'away' ? (c.clerk?.name ?? null) : null,
    // Signed by the notice's own signer: a clerk badging in at an away counter does not re-sign it.
    away: notice ? { backAt: notice.backAt, reason: notice.reason, substitute: notice.substitute, signedBy: notice.signedBy.name } : null,
  };
}

/** From the stored rows as they are: hall screens poll, and they need no vote counts. */
export function lobbyView(counters: CounterRow[], notices: NoticeView[], at: number): LobbyView {
  return {
    at,
    counters: counters.map(lobbyCounter),
    notices: notices.filter((n) => n.active).map(({ site, counter, text, from, until }) => ({ site, counter, text, from, until })),
  };
}
