import { render } from 'preact';
import { useEffect, useLayoutEffect, useState } from 'preact/hooks';
import { AWAY_REASON_TEXT, PHRASES, STATUS_TEXT } from '@okienko/protocol/wording';
import type { LobbyCounter, LobbyView } from '@okienko/protocol/api';
import { hhmm, loadOffice } from './format.ts';
import { LobbyDemoBanner } from './demo-banner.tsx';
import { PAGE_MS, counterNumber, isLate, noticePlace, paginate, shrinkPerPage } from './lobby-screen.ts';

/**
 * The hall screen for residents: which counters are free, serving, away (back at HH:MM, who helps
 * meanwhile) or closed, in large high-contrast letters, Polish with English. Public: it reads
 * /api/public/lobby, which carries only what the counters' own displays show. It polls every two
 * seconds: a hall screen needs no sub-second updates, and polling survives a bridge restart with
 * nothing to reconnect. `?site=ratusz` shows one site.
 */
const POLL_MS = 2000;

function useLobby(): { view: LobbyView | null; stale: boolean } {
  const [view, setView] = useState<LobbyView | null>(null);
  const [stale, setStale] = useState(false);
  useEffect(() => {
    let stopped = false;
    const poll = async (): Promise<void> => {
      try {
        const res = await fetch('/api/public/lobby', { cache: 'no-store' });
        if (!res.ok) throw new Error(String(res.status));
        const view = (await res.json()) as LobbyView;
        if (stopped) return;
        setView(view);
        setStale(false);
      } catch {
        if (!stopped) setStale(true);
      }
    };
    void poll();
    const t = setInterval(() => void poll(), POLL_MS);
    return () => {
      stopped = true;
      clearInterval(t);
    };
  }, []);
  return { view, stale };
}

function Both({ pl, en }: { pl: string; en: string }) {
  return (
    <>
      <span class="pl">{pl}</span> <span class="en" lang="en">{en}</span>
    </>
  );
}

function Tile({ c, at }: { c: LobbyCounter; at: number }) {
  const words = c.status === 'unknown' ? PHRASES.unknown : STATUS_TEXT[c.status];
  return (
    <li class={`tile lobby-${c.status}`} data-counter={`${c.site}/${c.counter}`} data-status={c.status}>
      <h3>
        <Both {...PHRASES.counter(counterNumber(c.counter))} />
      </h3>
      <p class="state">
        <Both {...words} />
      </p>
      {c.clerk && c.status !== 'away' ? <p class="who">{c.clerk}</p> : null}
      {c.away ? (
        <div class="away">
          <p class="back">
            <Both {...PHRASES.backAt(hhmm(c.away.backAt))} />
            {isLate(c.away, at) ? (
              <>
                {' '}
                <span class="late" data-testid="late">
                  <Both {...PHRASES.late} />
                </span>
              </>
            ) : null}
          </p>
          <p class="reason">
            <Both {...AWAY_REASON_TEXT[c.away.reason]} />
          </p>
          {c.away.substitute ? (
            <p class="meanwhile">
              <Both {...PHRASES.meanwhile} /> <strong>{c.away.substitute.name}, {c.away.substitute.where}</strong>
            </p>
          ) : null}
          <p class="signed">— {c.away.signedBy}</p>
        </div>
      ) : null}
    </li>
  );
}

/**
 * As many tiles as fit on the screen, the rest on further pages that turn every PAGE_MS: a hall
 * screen has no one to scroll it. After each draw, a page that runs past the screen's bottom
 * takes fewer tiles; a new screen size or a new number of counters starts again from all.
 */
function usePages<T>(items: T[]): { page: T[]; index: number; count: number } {
  const [size, setSize] = useState(`${window.innerWidth}x${window.innerHeight}`);
  useEffect(() => {
    const onResize = (): void => setSize(`${window.innerWidth}x${window.innerHeight}`);
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  const key = `${size}/${items.length}`;
  const [fit, setFit] = useState({ key, perPage: Number.MAX_SAFE_INTEGER });
  const perPage = fit.key === key ? fit.perPage : Number.MAX_SAFE_INTEGER;
  const pages = paginate(items, perPage);
  const [turn, setTurn] = useState(0);
  useEffect(() => {
    if (pages.length < 2) return;
    const t = setInterval(() => setTurn((n) => n + 1), PAGE_MS);
    return () => clearInterval(t);
  }, [pages.length]);
  const index = turn % pages.length;
  const page = pages[index]!;
  // Measured after the draw, before the screen shows it.
  useLayoutEffect(() => {
    const next = shrinkPerPage(perPage, page.length, document.documentElement.scrollHeight, window.innerHeight);
    if (next !== perPage || fit.key !== key) setFit({ key, perPage: next });
  });
  return { page, index, count: pages.length };
}

function Lobby() {
  const { view, stale } = useLobby();
  const only = new URLSearchParams(location.search).get('site');
  const counters = (view?.counters ?? []).filter((c) => !only || c.site === only);
  const { page, index, count } = usePages(counters);
  if (!view) return <p class="lobby-loading">Ładowanie… <span lang="en">Loading…</span></p>;
  const sites = [...new Set(page.map((c) => c.site))];
  const notices = view.notices.filter((n) => !only || n.site === only);
  return (
    <main class="lobby">
      <LobbyDemoBanner />
      <header>
        <h1>
          <Both pl="Gdzie podejść?" en="Where to go?" />
        </h1>
        {count > 1 ? (
          <p class="page-of" data-testid="page-of">
            <Both {...PHRASES.page(index + 1, count)} />
          </p>
        ) : null}
        <p class="clock">{hhmm(view.at)}</p>
        {stale ? (
          <p class="stale" role="status">
            <Both pl="Brak aktualnych danych" en="Not up to date" />
          </p>
        ) : null}
      </header>
      {notices.map((n) => {
        const place = noticePlace(n, counters);
        const where = [place.site, place.number === null ? null : PHRASES.counter(place.number).pl].filter(Boolean).join(', ');
        return (
          <p class="lobby-notice" key={`${n.site}/${n.counter}/${n.text}`} data-testid="lobby-notice">
            <strong>
              <Both {...PHRASES.notice} />:
            </strong>{' '}
            {where ? `${where}: ` : ''}
            {n.text} — {n.from}
          </p>
        );
      })}
      {sites.map((site) => (
        <section key={site} aria-labelledby={`site-${site}`}>
          <h2 id={`site-${site}`}>{site}</h2>
          <ul class="tiles">
            {page
              .filter((c) => c.site === site)
              .map((c) => (
                <Tile key={`${c.site}/${c.counter}`} c={c} at={view.at} />
              ))}
          </ul>
        </section>
      ))}
    </main>
  );
}

await loadOffice();
render(<Lobby />, document.getElementById('app')!);
