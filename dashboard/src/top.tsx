import { useEffect } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { lang, switchLanguage, w } from './i18n.ts';
import { send } from './api.ts';
import { DemoBanner } from './demo-banner.tsx';
import { currentUser } from './me.ts';

/** Who is signed in, and the way out. */
function Who() {
  const me = currentUser();
  if (!me) return null;
  return (
    <span class="who-am-i" data-testid="me" data-role={me.role}>
      {me.username} ({w.roles[me.role]}) <a href="/sessions">{w.mySessions}</a>{' '}
      <button type="button" onClick={() => void send('POST', '/api/auth/logout').then(() => (location.href = '/login'))}>
        {w.signOut}
      </button>
    </span>
  );
}

/** The language switch: names the other language in that language, as people look for it. */
export function LanguageSwitch() {
  const other = lang === 'pl' ? 'en' : 'pl';
  return (
    <button type="button" class="lang" lang={other} data-testid="language" onClick={() => switchLanguage(other)}>
      {w.otherLanguage}
    </button>
  );
}

const LINKS: [string, keyof typeof w][] = [
  ['/', 'board'],
  ['/reports', 'reports'],
  ['/alerts', 'alertHistory'],
  ['/devices', 'devices'],
  ['/lobby', 'lobby'],
  ['/sim', 'panels'],
];

/** Every manager page's top bar: where you are, where else to go, who you are, the language. */
export function TopBar({ title, children, skips = [] }: { title?: string; children?: ComponentChildren; skips?: [href: string, label: string][] }) {
  useEffect(() => {
    document.title = `okienko${title ? ` — ${title}` : ''}`;
  }, [title]);
  return (
    <header class="top">
      <a class="skip" href="#main">
        {w.skip}
      </a>
      {/* More stops past the top bar where a page has more than one place to go (the board's alerts). */}
      {skips.map(([href, label]) => (
        <a key={href} class="skip" href={href}>
          {label}
        </a>
      ))}
      <h1>okienko{title ? ` — ${title}` : ''}</h1>
      {children}
      <nav aria-label={w.mainNav}>
        {LINKS.map(([href, key]) => (
          <a key={href} href={href} aria-current={location.pathname === href ? 'page' : undefined}>
            {w[key] as string}
          </a>
        ))}
      </nav>
      <Who />
      <LanguageSwitch />
      <DemoBanner />
    </header>
  );
}
