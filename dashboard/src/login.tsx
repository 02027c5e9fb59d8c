import { render } from 'preact';
import { useState } from 'preact/hooks';
import { w } from './i18n.ts';
import { LanguageSwitch } from './top.tsx';
import { errorText } from './api.ts';

/** Sign in, then back to where the person was going (only a path on this site). */
function Login() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const next = new URLSearchParams(location.search).get('next');
  const target = next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const res = await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    if (res.ok) location.href = target;
    else setError(await errorText(res));
  };
  return (
    <main class="login">
      <h1>okienko</h1>
      <LanguageSwitch />
      <form onSubmit={(e) => void submit(e)}>
        <label>
          {w.username}
          <input name="username" autocomplete="username" required value={username} onInput={(e) => setUsername((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          {w.password}
          <input name="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit">{w.signIn}</button>
        {error ? <p role="alert" class="error">{error}</p> : null}
      </form>
      <p>
        <a href="/lobby">{w.lobbyLink}</a>
      </p>
    </main>
  );
}

render(<Login />, document.getElementById('app')!);
