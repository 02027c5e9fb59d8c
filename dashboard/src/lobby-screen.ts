import type { LobbyCounter, LobbyView } from '@okienko/protocol/api';
import { counterNumber } from '@okienko/protocol/wording';

/**
 * The hall screen's arithmetic, pure so it is tested without a browser: which tiles go on which
 * page, when an announced return is late, and how a notice names its counter.
 */

/** How long each page shows when the counters do not fit on one screen. */
export const PAGE_MS = 12_000;

export { counterNumber };

/** Tiles cut into pages of at most `perPage`, in order; always at least one (maybe empty) page. */
export function paginate<T>(items: readonly T[], perPage: number): T[][] {
  const size = Math.max(1, Math.floor(perPage));
  const pages: T[][] = [];
  for (let i = 0; i < items.length; i += size) pages.push(items.slice(i, i + size));
  return pages.length ? pages : [[]];
}

/**
 * Fewer tiles per page when the page drawn runs past the screen: in proportion to what overflows
 * (one step with a thousand counters, not a thousand), and at least one fewer.
 */
export function shrinkPerPage(perPage: number, shown: number, contentPx: number, screenPx: number): number {
  if (contentPx <= screenPx || shown <= 1) return perPage;
  const proportional = Math.floor((shown * screenPx) / contentPx);
  return Math.max(1, Math.min(shown - 1, proportional));
}

/** The announced return has passed by the bridge's clock (the lobby's own clock may be wrong). */
export const isLate = (away: NonNullable<LobbyCounter['away']>, at: LobbyView['at']): boolean => at > away.backAt;

/**
 * The place a notice names: "Stanowisko 2" where one site shown has a counter 2, with the site's
 * name where two sites shown have one ("filia, Stanowisko 2"), or the site alone for a site-wide one.
 */
export function noticePlace(n: { site: string; counter: string | null }, shown: readonly { site: string; counter: string }[]): { site: string | null; number: string | null } {
  if (n.counter === null) return { site: new Set(shown.map((c) => c.site)).size > 1 ? n.site : null, number: null };
  const number = counterNumber(n.counter);
  const sitesWithIt = new Set(shown.filter((c) => counterNumber(c.counter) === number).map((c) => c.site));
  sitesWithIt.add(n.site);
  return { site: sitesWithIt.size > 1 ? n.site : null, number };
}
