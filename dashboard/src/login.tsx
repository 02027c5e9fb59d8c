import { render } from 'preact';
import { useState } from 'preact/hooks';

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
    else setError(res.status === 429 ? 'Zbyt wiele nieudanych prób — spróbuj za 15 minut. / Too many attempts.' : 'Zła nazwa użytkownika lub hasło. / Wrong username or password.');
  };
  return (
    <main class="login">
      <h1>okienko</h1>
      <form onSubmit={(e) => void submit(e)}>
        <label>
          Użytkownik <span lang="en">/ username</span>
          <input name="username" autocomplete="username" required value={username} onInput={(e) => setUsername((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Hasło <span lang="en">/ password</span>
          <input name="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit">Zaloguj / sign in</button>
        {error ? <p role="alert" class="error">{error}</p> : null}
      </form>
      <p>
        <a href="/lobby">Tablica dla mieszkańców / lobby board</a>
      </p>
    </main>
  );
}

render(<Login />, document.getElementById('app')!);
