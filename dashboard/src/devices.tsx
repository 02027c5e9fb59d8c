import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { CounterView } from '@okienko/protocol';
import { hhmm } from './format.ts';
import { send } from './api.ts';

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
    const body = (await res.json()) as { username?: string; password?: string; message?: string };
    setResult(res.ok ? `użytkownik / username: ${body.username}\nhasło / password: ${body.password}\n(pokazane raz / shown once)` : (body.message ?? `błąd ${res.status}`));
  };
  return (
    <>
      <header class="top">
        <h1>okienko — urządzenia</h1>
        <a href="/">tablica na żywo</a>
      </header>
      <main>
        <table class="scores devices" data-testid="devices">
          <thead>
            <tr>
              <th scope="col">stanowisko</th>
              <th scope="col">połączone / online</th>
              <th scope="col">ostatnio / last seen</th>
              <th scope="col">wersja / version</th>
              <th scope="col">w kolejce / outbox</th>
              <th scope="col">odrzucone / refused</th>
              <th scope="col">zegar / clock</th>
            </tr>
          </thead>
          <tbody>
            {counters.map((c) => (
              <tr key={`${c.site}/${c.counter}`} data-counter={`${c.site}/${c.counter}`}>
                <th scope="row">
                  {c.site}/{c.counter}
                </th>
                <td>{c.online ? 'tak / yes' : 'nie / no'}</td>
                <td>{hhmm(c.lastSeen)}</td>
                <td>{c.version ?? '—'}</td>
                <td class={(c.health?.outboxPending ?? 0) > 0 ? 'warn' : ''}>{c.health?.outboxPending ?? '—'}</td>
                <td class={(c.health?.outboxRefused ?? 0) > 0 ? 'warn' : ''}>{c.health?.outboxRefused ?? '—'}</td>
                <td class={c.clockSynced === false ? 'warn' : ''}>{c.clockSynced === true ? 'zsynchronizowany' : c.clockSynced === false ? 'NIE / not synced' : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <section class="panel" aria-labelledby="new-h">
          <h2 id="new-h">Nowe stanowisko / a new counter</h2>
          <form onSubmit={(e) => void provision(e)}>
            <label>
              Biuro / site <input required pattern="[a-z0-9-]+" value={site} onInput={(e) => setSite((e.target as HTMLInputElement).value)} />
            </label>
            <label>
              Stanowisko / counter <input required pattern="[a-z0-9-]+" value={counter} onInput={(e) => setCounter((e.target as HTMLInputElement).value)} />
            </label>
            <button type="submit">Utwórz dane logowania / create credentials</button>
          </form>
          {result ? <pre data-testid="credentials">{result}</pre> : null}
        </section>
      </main>
    </>
  );
}

render(<Devices />, document.getElementById('app')!);
