import { useEffect, useState } from 'preact/hooks';
import type { NoticeView } from '@okienko/protocol/api';
import { hhmm, w } from './i18n.ts';
import { errorText, send as call } from './api.ts';
import { may } from './me.ts';

/** Send a notice to one counter's or a whole site's displays, for some minutes; see what shows where. */
export function NoticesPanel({ counters }: { counters: { site: string; counter: string }[] }) {
  const [notices, setNotices] = useState<NoticeView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const sites = [...new Set(counters.map((c) => c.site))].sort();
  const [site, setSite] = useState('');
  const [counter, setCounter] = useState('');
  const [text, setText] = useState('');
  const [minutes, setMinutes] = useState(30);
  const [from, setFrom] = useState(w.defaultSender);
  const chosenSite = site || sites[0] || '';
  const load = (): void => {
    void fetch('/api/notices?active=true')
      .then((r) => r.json() as Promise<NoticeView[]>)
      .then(setNotices)
      .catch(() => {});
  };
  useEffect(() => {
    load();
    // Notices run out by themselves: look again now and then.
    const t = setInterval(load, 30_000);
    return () => clearInterval(t);
  }, []);
  const send = async (e: Event): Promise<void> => {
    e.preventDefault();
    const res = await call('POST', '/api/notices', { site: chosenSite, counter: counter || null, text, from, minutes });
    if (!res.ok) return setError(await errorText(res));
    setError(null);
    setText('');
    load();
  };
  const withdraw = async (id: string): Promise<void> => {
    const res = await call('DELETE', `/api/notices/${id}`);
    setError(res.ok ? null : await errorText(res));
    load();
  };
  // Viewers see what shows where; sending and withdrawing need a manager (broker-bridge/auth.ts).
  const canSend = may('manager');
  return (
    <section class="panel notices" aria-labelledby="notices-h">
      <h2 id="notices-h">{w.notices}</h2>
      {canSend ? (
        <form onSubmit={(e) => void send(e)}>
          <label>
            {w.site}
            <select value={chosenSite} onChange={(e) => {
                setSite((e.target as HTMLSelectElement).value);
                setCounter('');
              }}>
              {sites.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          <label>
            {w.counter}
            <select value={counter} onChange={(e) => setCounter((e.target as HTMLSelectElement).value)}>
              <option value="">{w.wholeSite}</option>
              {counters
                .filter((c) => c.site === chosenSite)
                .map((c) => (
                  <option key={c.counter}>{c.counter}</option>
                ))}
            </select>
          </label>
          <label>
            {w.text}
            <textarea required maxLength={200} rows={2} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
          </label>
          <label>
            {w.sender}
            <input required maxLength={80} value={from} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} />
          </label>
          <label>
            {w.minutes}
            <input type="number" min={1} max={10080} required value={minutes} onInput={(e) => setMinutes(Number((e.target as HTMLInputElement).value))} />
          </label>
          <button type="submit">{w.send}</button>
          {error ? <p role="alert" class="error" data-testid="notice-error">{error}</p> : null}
        </form>
      ) : null}
      {/* A viewer has no form here: say that nothing shows rather than leave a bare heading. */}
      {notices.length === 0 ? <p data-testid="no-notices">{w.noNotices}</p> : null}
      <ul>
        {notices.map((n) => (
          <li key={n.id} data-notice={n.id}>
            <strong>{n.counter ? `${n.site}/${n.counter}` : w.siteWide(n.site)}</strong> {w.until(hhmm(n.until))}: {n.text} — {n.from}{' '}
            {canSend ? (
              <button type="button" onClick={() => void withdraw(n.id)}>
                {w.withdraw}
              </button>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
