import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Me, SessionView } from '@okienko/protocol';
import { dateTime, lang, loadOffice, w } from './i18n.ts';
import { errorText, send } from './api.ts';
import { loadMe } from './me.ts';
import { TopBar } from './top.tsx';

/** This page's own words (Polish first). */
const PAGE = {
  pl: {
    title: 'sesje',
    heading: 'Zalogowane sesje',
    intro: 'Każde logowanie to osobna sesja. Zakończ tę, której nie rozpoznajesz: ta przeglądarka lub urządzenie zostanie wylogowane przy następnym kliknięciu.',
    everyone: 'Pokaż sesje wszystkich użytkowników',
    user: 'Użytkownik',
    role: 'Rola',
    created: 'Zalogowano',
    lastSeen: 'Ostatnio aktywna',
    expires: 'Wygasa',
    browser: 'Przeglądarka, adres',
    end: 'Zakończ',
    endThis: 'Wyloguj tutaj',
    current: 'ta sesja',
    none: 'Brak zalogowanych sesji.',
    ended: 'Sesja zakończona.',
  },
  en: {
    title: 'sessions',
    heading: 'Signed-in sessions',
    intro: 'Every sign-in is a session of its own. End one you do not recognise: that browser or device is signed out at its next click.',
    everyone: "Show every user's sessions",
    user: 'User',
    role: 'Role',
    created: 'Signed in',
    lastSeen: 'Last active',
    expires: 'Expires',
    browser: 'Browser, address',
    end: 'End',
    endThis: 'Sign out here',
    current: 'this session',
    none: 'No signed-in sessions.',
    ended: 'Session ended.',
  },
}[lang];

/** OWASP's session management: who is signed in where, since when, last seen; end any of them. */
function Sessions() {
  const [me, setMe] = useState<Me | null>(null);
  const [all, setAll] = useState(false);
  const [rows, setRows] = useState<SessionView[]>([]);
  const [note, setNote] = useState('');
  const load = (everyone: boolean): void =>
    void fetch(`/api/sessions${everyone ? '?all=true' : ''}`).then(async (r) => {
      if (r.status === 401) location.href = '/login?next=/sessions';
      else if (r.ok) setRows((await r.json()) as SessionView[]);
    });
  useEffect(() => {
    void fetch('/api/auth/me').then(async (r) => r.ok && setMe((await r.json()) as Me));
  }, []);
  useEffect(() => load(all), [all]);
  const end = async (s: SessionView): Promise<void> => {
    const res = await send('DELETE', `/api/sessions/${s.id}`);
    if (s.current && res.ok) {
      location.href = '/login';
      return;
    }
    setNote(res.ok ? PAGE.ended : await errorText(res));
    load(all);
  };
  return (
    <>
      <TopBar title={PAGE.title} />
      <main id="main">
        <section class="panel" aria-labelledby="sessions-h">
          <h2 id="sessions-h">{PAGE.heading}</h2>
          <p>{PAGE.intro}</p>
          {me?.role === 'admin' ? (
            <label>
              <input type="checkbox" checked={all} data-testid="all-sessions" onChange={(e) => setAll((e.target as HTMLInputElement).checked)} /> {PAGE.everyone}
            </label>
          ) : null}
          <p role="status">{note}</p>
          {rows.length === 0 ? (
            <p>{PAGE.none}</p>
          ) : (
            <table class="scores devices" data-testid="sessions">
              <thead>
                <tr>
                  <th scope="col">{PAGE.user}</th>
                  <th scope="col">{PAGE.role}</th>
                  <th scope="col">{PAGE.created}</th>
                  <th scope="col">{PAGE.lastSeen}</th>
                  <th scope="col">{PAGE.expires}</th>
                  <th scope="col">{PAGE.browser}</th>
                  <th scope="col">
                    <span class="sr-only">{PAGE.end}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((s) => (
                  <tr key={s.id} data-session={s.id} data-current={String(s.current)}>
                    <th scope="row">
                      {s.username}
                      {s.current ? ` (${PAGE.current})` : ''}
                    </th>
                    <td>{w.roles[s.role]}</td>
                    <td>{dateTime(s.createdAt)}</td>
                    <td>{dateTime(s.lastSeen)}</td>
                    <td>{dateTime(s.expiresAt)}</td>
                    <td>
                      {s.userAgent ?? '—'}
                      {s.address ? `, ${s.address}` : ''}
                    </td>
                    <td>
                      <button type="button" onClick={() => void end(s)}>
                        {s.current ? PAGE.endThis : PAGE.end}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </main>
    </>
  );
}

// The office's zone and who is signed in (the top bar names them), before anything is drawn.
await Promise.all([loadOffice(), loadMe()]);
render(<Sessions />, document.getElementById('app')!);
