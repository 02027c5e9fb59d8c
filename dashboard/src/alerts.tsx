import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { AlertKind, AlertView } from '@okienko/protocol/api';
import { calendarDate, dateTime, lang, loadOffice, officeDate, officePeriod, w } from './i18n.ts';
import { alertLine } from './alert-panel.tsx';
import { TopBar } from './top.tsx';
import { loadMe } from './me.ts';

/**
 * `/alerts`: every alert kept (M4: what went wrong, when, and who saw to it), filtered by site,
 * kind, period and whether it still holds; the CSV link exports exactly the rows shown.
 */
const DAY = 86_400_000;
const KINDS = Object.keys(w.kinds) as AlertKind[];

function AlertHistory() {
  const [sites, setSites] = useState<string[]>([]);
  const [site, setSite] = useState('');
  const [kind, setKind] = useState('');
  const [from, setFrom] = useState(officeDate(Date.now() - 6 * DAY));
  const [to, setTo] = useState(officeDate(Date.now()));
  const [onlyOpen, setOnlyOpen] = useState(false);
  const [alerts, setAlerts] = useState<AlertView[] | null>(null);
  const query = new URLSearchParams({
    ...officePeriod(from, to),
    limit: '1000',
    ...(site ? { site } : {}),
    ...(kind ? { kind } : {}),
    ...(onlyOpen ? { open: 'true' } : {}),
  }).toString();
  useEffect(() => {
    void fetch('/api/counters').then(async (r) => r.ok && setSites([...new Set(((await r.json()) as { site: string }[]).map((c) => c.site))].sort()));
  }, []);
  // A period that runs backwards asks for nothing: the page says so instead of "no alerts".
  const backwards = from > to;
  useEffect(() => {
    setAlerts(null);
    if (backwards) return;
    void fetch(`/api/alerts?${query}`).then(async (r) => {
      if (r.status === 401) location.href = '/login?next=/alerts';
      else if (r.ok) setAlerts((await r.json()) as AlertView[]);
    });
  }, [query, backwards]);
  const value = (e: Event): string => (e.target as HTMLInputElement | HTMLSelectElement).value;
  return (
    <>
      <TopBar title={w.alertHistory} />
      <main id="main">
        <h2>{w.alertHistoryTitle}</h2>
        <form class="filters" onSubmit={(e) => e.preventDefault()}>
          <label>
            {w.site}{' '}
            <select value={site} onChange={(e) => setSite(value(e))} data-testid="alerts-site">
              <option value="">{w.all}</option>
              {sites.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          <label>
            {w.kind}{' '}
            <select value={kind} onChange={(e) => setKind(value(e))} data-testid="alerts-kind">
              <option value="">{w.all}</option>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {w.kinds[k]}
                </option>
              ))}
            </select>
          </label>
          <label>
            {w.from} <input type="date" value={from} max={to} onChange={(e) => setFrom(value(e))} />
          </label>
          <label>
            {w.to} <input type="date" value={to} min={from} onChange={(e) => setTo(value(e))} />
          </label>
          <label>
            <input type="checkbox" checked={onlyOpen} onChange={(e) => setOnlyOpen((e.target as HTMLInputElement).checked)} /> {w.onlyOpen}
          </label>
          <a class="csv" href={`/api/alerts?${query}&format=csv&lang=${lang}`} download>
            CSV
          </a>
        </form>
        {backwards ? (
          <p role="alert" class="error" data-testid="period-backwards">
            {w.periodBackwards(calendarDate(from), calendarDate(to))}
          </p>
        ) : alerts === null ? (
          <p>{w.loading}</p>
        ) : alerts.length === 0 ? (
          <p>{w.noAlerts}</p>
        ) : (
          <table class="scores stack-rows" data-testid="alert-history">
            <thead>
              <tr>
                <th scope="col">{w.raised}</th>
                <th scope="col">{w.kind}</th>
                <th scope="col">{w.text}</th>
                <th scope="col">{w.ended}</th>
                <th scope="col">{w.acked}</th>
              </tr>
            </thead>
            <tbody>
              {alerts.map((a) => (
                <tr key={a.id} data-alert={a.kind} data-site={a.site}>
                  <td data-label={w.raised}>{dateTime(a.raisedAt)}</td>
                  <td data-label={w.kind}>{w.kinds[a.kind]}</td>
                  <th scope="row">{alertLine(a)}</th>
                  <td data-label={w.ended}>{a.clearedAt === null ? w.stillOpen : dateTime(a.clearedAt)}</td>
                  <td data-testid="acked" data-label={w.acked}>{a.ackedAt === null ? '—' : `${w.ackedBy(dateTime(a.ackedAt), a.ackedBy ?? '?')}${a.comment ? `: ${a.comment}` : ''}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </main>
    </>
  );
}

// The office's zone and who is signed in, before anything is drawn.
await Promise.all([loadOffice(), loadMe()]);
render(<AlertHistory />, document.getElementById('app')!);
