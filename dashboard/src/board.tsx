import { render } from 'preact';
import { memo } from 'preact/compat';
import { useEffect, useState } from 'preact/hooks';
import { AWAY_REASON_TEXT, PHRASES, STATUS_TEXT, faceLabels } from '@okienko/protocol/wording';
import type { CounterView } from './live.ts';
import { hhmm, lang, loadOffice, w } from './i18n.ts';
import { Face } from './face.tsx';
import { AlertsPanel, useAlerts } from './alert-panel.tsx';
import { NoticesPanel } from './notices.tsx';
import { TopBar } from './top.tsx';
import { loadMe } from './me.ts';

type Connection = 'connecting' | 'live' | 'lost';

function useLiveCounters(): { counters: Map<string, CounterView>; connection: Connection; source: EventSource | null } {
  const [counters, setCounters] = useState(new Map<string, CounterView>());
  const [connection, setConnection] = useState<Connection>('connecting');
  const [stream, setStream] = useState<EventSource | null>(null);
  useEffect(() => {
    // EventSource reconnects by itself; each reconnect starts with a fresh snapshot.
    const source = new EventSource('/api/stream');
    setStream(source);
    source.addEventListener('snapshot', (e) => {
      const list = JSON.parse((e as MessageEvent<string>).data) as CounterView[];
      setCounters(new Map(list.map((c) => [`${c.site}/${c.counter}`, c])));
      setConnection('live');
    });
    // Changes that arrive while the board is drawing go into one redraw: with a thousand
    // counters a redraw per message would fall behind at a hundred changes a second.
    const pending = new Map<string, CounterView>();
    let scheduled = false;
    source.addEventListener('counter', (e) => {
      const c = JSON.parse((e as MessageEvent<string>).data) as CounterView;
      pending.set(`${c.site}/${c.counter}`, c);
      if (scheduled) return;
      scheduled = true;
      setTimeout(() => {
        scheduled = false;
        const batch = [...pending];
        pending.clear();
        setCounters((prev) => {
          const next = new Map(prev);
          for (const [k, v] of batch) next.set(k, v);
          return next;
        });
      }, 0);
    });
    // Signed out elsewhere, a new password or role, removed, or unused too long: the bridge ends the
    // stream with this; reconnecting would only be refused, so go and sign in again.
    source.addEventListener('session_ended', () => {
      source.close();
      location.href = `/login?next=${encodeURIComponent(location.pathname)}`;
    });
    source.onerror = () => setConnection('lost');
    return () => source.close();
  }, []);
  return { counters, connection, source: stream };
}

/** Re-render every few seconds so "overdue" appears when the announced time passes. */
function useNow(periodMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), periodMs);
    return () => clearInterval(t);
  }, [periodMs]);
  return now;
}

function Notice({ c, now }: { c: CounterView; now: number }) {
  const n = c.notice;
  if (!n || c.lastStatus !== 'away') return null;
  const overdue = now > n.backAt;
  return (
    <div class="notice">
      <div class="back-at">
        {PHRASES.backAt(hhmm(n.backAt))[lang]}
        {!overdue && (
          <span class="countdown" data-testid="countdown">
            {' '}
            {w.inMinutes(Math.max(1, Math.ceil((n.backAt - now) / 60_000)))}
          </span>
        )}
        {overdue && (
          <span class="overdue" data-testid="overdue" title={w.overdueTitle}>
            {w.overdue}
          </span>
        )}
      </div>
      <div>
        {w.reason}: {AWAY_REASON_TEXT[n.reason][lang]}
      </div>
      {n.substitute && (
        <div>
          {PHRASES.meanwhile[lang]} <strong>{n.substitute.name}</strong>, {n.substitute.where}
        </div>
      )}
      <div class="signed">— {n.signedBy.name}</div>
    </div>
  );
}

function Card({ c, now }: { c: CounterView; now: number }) {
  const faces = faceLabels(c.scale);
  const text = STATUS_TEXT[c.status];
  return (
    <article class={`card status-${c.status}`} data-counter={`${c.site}/${c.counter}`} data-status={c.status}>
      <header>
        <h3>{c.counter}</h3>
        <span class="status" data-testid="status">
          {text[lang]}
        </span>
      </header>
      <div class="clerk" data-testid="clerk">{c.clerk?.name ?? '—'}</div>
      <div class="since">{c.status === 'offline' ? w.lastSeen(hhmm(c.lastSeen)) : c.since ? w.since(hhmm(c.since)) : ''}</div>
      <Notice c={c} now={now} />
      <ul class="faces" aria-label={w.todaysFeedback}>
        {faces.map((label, i) => (
          <li key={i} data-face={i + 1}>
            <Face index={i + 1} scale={c.scale} />
            <span class="sr-only">{label}</span>
            <span class="count" data-testid={`face-${i + 1}`}>{c.feedbackToday[String(i + 1)] ?? 0}</span>
          </li>
        ))}
      </ul>
      {c.panelUrl && (
        <a class="panel-link" href={c.panelUrl} target="_blank" rel="noopener" aria-label={w.panelOf(c.counter)}>
          {w.panel}
        </a>
      )}
    </article>
  );
}

/**
 * One collator for every sort: localeCompare with options builds a new one per comparison, which
 * made sorting 1,000 cards the most of a redraw.
 */
const byName = new Intl.Collator(lang, { numeric: true });

/** A card renders again only when its counter (or, away, the clock) changed: 1,000 cards, one redraw. */
const MemoCard = memo(Card);

function App() {
  const { counters, connection, source } = useLiveCounters();
  const { alerts, refresh } = useAlerts(source);
  const now = useNow(5000);
  const [siteFilter, setSiteFilter] = useState(new URLSearchParams(location.search).get('site') ?? '');
  const [stateFilter, setStateFilter] = useState(new URLSearchParams(location.search).get('status') ?? '');
  const allSites = [...new Set([...counters.values()].map((c) => c.site))].sort();
  const bySite = new Map<string, CounterView[]>();
  for (const c of counters.values()) {
    if (siteFilter && c.site !== siteFilter) continue;
    if (stateFilter && c.status !== stateFilter) continue;
    bySite.set(c.site, [...(bySite.get(c.site) ?? []), c]);
  }
  return (
    <>
      <TopBar skips={[['#alerts', w.skipToAlerts]]}>
        <span class={`connection ${connection}`} data-testid="connection" role="status">
          {connection === 'live' ? w.live : connection === 'lost' ? w.lost : w.connecting}
        </span>
      </TopBar>
      <div class="layout">
      <main id="main">
        <form class="filters" onSubmit={(e) => e.preventDefault()}>
          <label>
            {w.site}{' '}
            <select data-testid="filter-site" value={siteFilter} onChange={(e) => setSiteFilter((e.target as HTMLSelectElement).value)}>
              <option value="">{w.all}</option>
              {allSites.map((site) => (
                <option key={site}>{site}</option>
              ))}
            </select>
          </label>
          <label>
            {w.state}{' '}
            <select data-testid="filter-state" value={stateFilter} onChange={(e) => setStateFilter((e.target as HTMLSelectElement).value)}>
              <option value="">{w.all}</option>
              {(['available', 'serving', 'away', 'closed', 'offline'] as const).map((st) => (
                <option key={st} value={st}>
                  {STATUS_TEXT[st][lang]}
                </option>
              ))}
            </select>
          </label>
        </form>
        {counters.size === 0 && <p>{w.noCounters}</p>}
        {[...counters.values()].some((c) => c.panelUrl) && (
          <p class="sim-hint" data-testid="sim-hint">
            {w.simHint} <a href="/sim">{w.simHintLink}</a>.
          </p>
        )}
        {[...bySite.entries()]
          .sort(([a], [b]) => byName.compare(a, b))
          .map(([site, list]) => (
            <section key={site} data-site={site}>
              <h2>{site}</h2>
              <div class="cards">
                {list
                  .sort((a, b) => byName.compare(a.counter, b.counter))
                  .map((c) => (
                    // Only an away card's countdown needs the clock: the others keep their props and skip the render.
                    <MemoCard key={`${c.site}/${c.counter}`} c={c} now={c.lastStatus === 'away' ? now : 0} />
                  ))}
              </div>
            </section>
          ))}
      </main>
      <aside>
        <AlertsPanel alerts={alerts} refresh={refresh} />
        <NoticesPanel counters={[...counters.values()]} />
      </aside>
      </div>
    </>
  );
}

// The office's zone and who is signed in, before anything is drawn.
await Promise.all([loadOffice(), loadMe()]);
render(<App />, document.getElementById('app')!);
