import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { CounterView, ProvisionedDevice } from '@okienko/protocol';
import { ID_HTML_PATTERN } from '@okienko/protocol/id-rule';
import { dateTime, lang, loadOffice, w } from './i18n.ts';
import { errorText, send } from './api.ts';
import { may } from './me.ts';
import { TopBar } from './top.tsx';
import { loadMe } from './me.ts';

/** This page's own words (Polish first); the shared ones are in words.ts. */
const PAGE = {
  pl: {
    idRule: 'małe litery, cyfry i „-” (nie na początku ani na końcu), do 32 znaków',
    hasCredentials: (name: string) => `Stanowisko ${name} ma już dane logowania.`,
    online: 'Jest teraz w sieci i z nich korzysta.',
    lastSeen: (at: string) => `Ostatnio widziane: ${at}.`,
    neverSeen: 'Jeszcze się nie połączyło.',
    lockOut: 'Nowe dane zastąpią stare: działające stanowisko nie zaloguje się („Bad username or password”), dopóki nie wpiszesz nowych do jego konfiguracji.',
    replace: 'Zastąp dane logowania',
    cancel: 'Anuluj',
    notReplaced: 'Nic nie zmieniono: stanowisko zachowuje swoje dane logowania.',
    neverSeenTitle: 'Dane utworzone, stanowisko nigdy nie widziane',
    neverSeenHint: 'Te stanowiska mają dane logowania, ale żadne z nich jeszcze się nie połączyło: sprawdź ich konfigurację (adres brokera, użytkownik, hasło).',
    noneNeverSeen: 'Każde stanowisko z danymi logowania połączyło się przynajmniej raz.',
  },
  en: {
    idRule: 'lowercase letters, digits and "-" (not first or last), up to 32 characters',
    hasCredentials: (name: string) => `Counter ${name} has credentials already.`,
    online: 'It is online now, using them.',
    lastSeen: (at: string) => `Last seen: ${at}.`,
    neverSeen: 'It has not connected yet.',
    lockOut: 'New ones replace the old: the running counter cannot log in ("Bad username or password") until you put the new ones in its configuration.',
    replace: 'Replace the credentials',
    cancel: 'Cancel',
    notReplaced: 'Nothing changed: the counter keeps its credentials.',
    neverSeenTitle: 'Provisioned, never seen',
    neverSeenHint: 'These counters have credentials but none of them has connected yet: check their configuration (broker address, username, password).',
    noneNeverSeen: 'Every counter with credentials has connected at least once.',
  },
}[lang];

/** The server's refusal to replace a counter's credentials without being asked to. */
interface HasCredentials {
  error: 'device_has_credentials';
  online: boolean;
  lastSeen: number | null;
}

/**
 * The counters as devices, for IT: last seen, software version, what waits in the outbox (and
 * what it had to refuse), whether the clock is synchronised; and a new counter's credentials.
 */
function Devices() {
  const [counters, setCounters] = useState<CounterView[]>([]);
  const [site, setSite] = useState('');
  const [counter, setCounter] = useState('');
  const [result, setResult] = useState<string | null>(null);
  // A counter that has credentials: what the server said of it, until the admin confirms or cancels.
  const [confirm, setConfirm] = useState<(HasCredentials & { site: string; counter: string }) | null>(null);
  const [provisioned, setProvisioned] = useState<ProvisionedDevice[] | null>(null);
  const warning = useRef<HTMLDivElement>(null);
  // The password file's list is an admin's (others are refused): not asked for at all by others.
  const loadProvisioned = (): void =>
    void (may('admin') ? fetch('/api/devices/credentials').then(async (r) => setProvisioned(r.ok ? ((await r.json()) as ProvisionedDevice[]) : null)) : null);
  useEffect(() => {
    const load = (): void =>
      void fetch('/api/counters').then(async (r) => {
        if (r.status === 401) location.href = '/login?next=/devices';
        else setCounters((await r.json()) as CounterView[]);
      });
    load();
    loadProvisioned();
    const t = setInterval(() => (load(), loadProvisioned()), 5000);
    return () => clearInterval(t);
  }, []);
  // The warning takes the focus, so a keyboard or screen-reader user meets it before anything else.
  useEffect(() => warning.current?.focus(), [confirm]);
  const provision = async (replace: boolean): Promise<void> => {
    const target = replace && confirm ? { site: confirm.site, counter: confirm.counter } : { site, counter };
    const res = await send('POST', '/api/devices', { ...target, ...(replace ? { replace: true } : {}) });
    if (!res.ok && res.status !== 409) {
      setConfirm(null);
      return setResult(await errorText(res));
    }
    const body = (await res.clone().json()) as { username?: string; password?: string; error?: string };
    if (res.status === 409 && body.error === 'device_has_credentials') {
      setResult(null);
      setConfirm({ ...(body as HasCredentials), ...target });
      return;
    }
    setConfirm(null);
    setResult(res.ok ? w.credentials(body.username ?? '', body.password ?? '') : await errorText(res));
    loadProvisioned();
  };
  const neverSeen = provisioned?.filter((p) => !p.seen) ?? [];
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
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void provision(false);
            }}
          >
            <label>
              {w.site}{' '}
              <input name="site" required pattern={ID_HTML_PATTERN} title={PAGE.idRule} value={site} onInput={(e) => setSite((e.target as HTMLInputElement).value)} />
            </label>
            <label>
              {w.counter}{' '}
              <input name="counter" required pattern={ID_HTML_PATTERN} title={PAGE.idRule} value={counter} onInput={(e) => setCounter((e.target as HTMLInputElement).value)} />
            </label>
            <button type="submit">{w.createCredentials}</button>
          </form>
          {confirm ? (
            <div role="alertdialog" aria-labelledby="replace-h" aria-describedby="replace-d" tabIndex={-1} ref={warning} class="replace-warning" data-testid="replace-warning">
              <p id="replace-h">
                <strong>{PAGE.hasCredentials(`${confirm.site}/${confirm.counter}`)}</strong>
              </p>
              <p id="replace-d">
                {confirm.online ? PAGE.online : confirm.lastSeen !== null ? PAGE.lastSeen(dateTime(confirm.lastSeen)) : PAGE.neverSeen} {PAGE.lockOut}
              </p>
              <button type="button" onClick={() => void provision(true)}>
                {PAGE.replace}
              </button>{' '}
              <button
                type="button"
                onClick={() => {
                  setConfirm(null);
                  setResult(PAGE.notReplaced);
                }}
              >
                {PAGE.cancel}
              </button>
            </div>
          ) : null}
          {result ? <pre data-testid="credentials">{result}</pre> : null}
        </section>}
        {provisioned && may('admin') ? (
          <section class="panel" aria-labelledby="never-h" data-testid="never-seen">
            <h2 id="never-h">{PAGE.neverSeenTitle}</h2>
            {neverSeen.length === 0 ? (
              <p>{PAGE.noneNeverSeen}</p>
            ) : (
              <>
                <p>{PAGE.neverSeenHint}</p>
                <ul>
                  {neverSeen.map((p) => (
                    <li key={`${p.site}/${p.counter}`} data-counter={`${p.site}/${p.counter}`}>
                      {p.site}/{p.counter}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </section>
        ) : null}
      </main>
    </>
  );
}

// The office's zone and who is signed in, before anything is drawn.
await Promise.all([loadOffice(), loadMe()]);
render(<Devices />, document.getElementById('app')!);
