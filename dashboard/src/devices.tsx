import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { CounterView } from '@okienko/protocol';
import { dateTime, loadOffice, w } from './i18n.ts';
import { errorText, send } from './api.ts';
import { may } from './me.ts';
import { TopBar } from './top.tsx';
import { loadMe } from './me.ts';

/**
 * The counters as devices, for IT: last seen, software version, what waits in the outbox (and
 * what it had to refuse), whether the clock is synchronised; and a new counter's credentials.
 */
function Devices() {
  const [counters, setCounters] = useState<CounterView[]>([]);
  const [site, setSite] = useState('');
  const [counter, setCounter] = useState('');
  const [result, setResult] = useState<string | null>(null);
  useEffect(() => {
    const load = (): void =>
      void fetch('/api/counters').then(async (r) => {
        if (r.status === 401) location.href = '/login?next=/devices';
        else setCounters((await r.json()) as CounterView[]);
      });
    load();
    const t = setInterval(load, 5000);
    return () => clearInterval(t);
  }, []);
  const provision = async (e: Event): Promise<void> => {
    e.preventDefault();
    const res = await send('POST', '/api/devices', { site, counter });
    if (!res.ok) return setResult(await errorText(res));
    const body = (await res.json()) as { username?: string; password?: string };
    setResult(w.credentials(body.username ?? '', body.password ?? ''));
  };
  return (
    <>
      <TopBar title={w.devicesTitle} />
      <main id="main">
        <table class="scores devices" data-testid="devices" tabIndex={0} aria-label={w.devicesTitle}>
          <thead>
            <tr>
              <th scope="col">{w.counter}</th>
              <th scope="col">{w.online}</th>
              <th scope="col">{w.lastSeenCol}</th>
              <th scope="col">{w.version}</th>
              <th scope="col">{w.outbox}</th>
              <th scope="col">{w.refused}</th>
              <th scope="col">{w.clock}</th>
            </tr>
          </thead>
          <tbody>
            {counters.map((c) => (
              <tr key={`${c.site}/${c.counter}`} data-counter={`${c.site}/${c.counter}`}>
                <th scope="row">
                  {c.site}/{c.counter}
                </th>
                <td>{c.online ? w.yes : w.no}</td>
                <td>{dateTime(c.lastSeen)}</td>
                <td>{c.version ?? '—'}</td>
                <td class={(c.health?.outboxPending ?? 0) > 0 ? 'warn' : ''}>{c.health?.outboxPending ?? '—'}</td>
                <td class={(c.health?.outboxRefused ?? 0) > 0 || c.health?.diskFull ? 'warn' : ''} data-testid="refused">
                  {c.health?.outboxRefused ?? '—'}
                  {c.health?.diskFull ? ` — ${w.diskFull}` : ''}
                </td>
                <td class={c.clockSynced === false ? 'warn' : ''}>{c.clockSynced === true ? w.synced : c.clockSynced === false ? w.notSynced : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {/* Credentials are the admin's (broker-bridge/auth.ts): others are told, not offered a form. */}
        {!may('admin') ? <p class="role-note" data-testid="admin-note">{w.adminOnlyNote}</p> : <section class="panel" aria-labelledby="new-h">
          <h2 id="new-h">{w.newCounter}</h2>
          <form onSubmit={(e) => void provision(e)}>
            <label>
              {w.site} <input required pattern="[a-z0-9-]+" value={site} onInput={(e) => setSite((e.target as HTMLInputElement).value)} />
            </label>
            <label>
              {w.counter} <input required pattern="[a-z0-9-]+" value={counter} onInput={(e) => setCounter((e.target as HTMLInputElement).value)} />
            </label>
            <button type="submit">{w.createCredentials}</button>
          </form>
          {result ? <pre data-testid="credentials">{result}</pre> : null}
        </section>}
      </main>
    </>
  );
}

// The office's zone and who is signed in, before anything is drawn.
await Promise.all([loadOffice(), loadMe()]);
render(<Devices />, document.getElementById('app')!);
