import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { AWAY_REASON_TEXT, PHRASES, STATUS_TEXT } from '@okienko/protocol/wording';
import type { LobbyCounter, LobbyView } from '@okienko/protocol/api';
import { hhmm, loadOffice } from './format.ts';
import { LobbyDemoBanner } from './demo-banner.tsx';

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

const number = (counter: string): string => /(\d+)$/.exec(counter)?.[1] ?? counter;

function Both({ pl, en }: { pl: string; en: string }) {
  return (
    <>
      <span class="pl">{pl}</span> <span class="en" lang="en">{en}</span>
    </>
  );
}

function Tile({ c }: { c: LobbyCounter }) {
  const words = c.status === 'unknown' ? PHRASES.unknown : STATUS_TEXT[c.status];
  return (
    <li class={`tile lobby-${c.status}`} data-counter={`${c.site}/${c.counter}`} data-status={c.status}>
      <h3>
        <Both {...PHRASES.counter(number(c.counter))} />
      </h3>
      <p class="state">
        <Both {...words} />
      </p>
      {c.clerk && c.status !== 'away' ? <p class="who">{c.clerk}</p> : null}
      {c.away ? (
        <div class="away">
          <p class="back">
            <Both {...PHRASES.backAt(hhmm(c.away.backAt))} />
          </p>
          <p class="reason">
            <Both {...AWAY_REASON_TEXT[c.away.reason]} />
          </p>
          {c.away.substitute ? (
            <p class="meanwhile">
              <Both {...PHRASES.meanwhile} />: <strong>{c.away.substitute.name}, {c.away.substitute.where}</strong>
            </p>
          ) : null}
          <p class="signed">— {c.away.signedBy}</p>
        </div>
      ) : null}
    </li>
  );
}

function Lobby() {
  const { view, stale } = useLobby();
  const only = new URLSearchParams(location.search).get('site');
  if (!view) return <p class="lobby-loading">Ładowanie… <span lang="en">Loading…</span></p>;
  const counters = view.counters.filter((c) => !only || c.site === only);
  const sites = [...new Set(counters.map((c) => c.site))];
  const notices = view.notices.filter((n) => !only || n.site === only);
  return (
    <main class="lobby">
      <LobbyDemoBanner />
      <header>
        <h1>
          <Both pl="Gdzie podejść?" en="Where to go?" />
        </h1>
        <p class="clock">{hhmm(view.at)}</p>
        {stale ? (
          <p class="stale" role="status">
            <Both pl="Brak aktualnych danych" en="Not up to date" />
          </p>
        ) : null}
      </header>
      {notices.map((n) => (
        <p class="lobby-notice" key={`${n.site}/${n.counter}/${n.text}`}>
          <strong>
            <Both {...PHRASES.notice} />:
          </strong>{' '}
          {n.counter ? `${PHRASES.counter(number(n.counter)).pl}: ` : ''}
          {n.text} — {n.from}
        </p>
      ))}
      {sites.map((site) => (
        <section key={site} aria-labelledby={`site-${site}`}>
          <h2 id={`site-${site}`}>{site}</h2>
          <ul class="tiles">
            {counters
              .filter((c) => c.site === site)
              .map((c) => (
                <Tile key={`${c.site}/${c.counter}`} c={c} />
              ))}
          </ul>
        </section>
      ))}
    </main>
  );
}

await loadOffice();
render(<Lobby />, document.getElementById('app')!);
