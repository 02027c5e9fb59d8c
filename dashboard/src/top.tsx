import { useEffect, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import type { Me } from '@okienko/protocol/api';
import { lang, switchLanguage, w } from './i18n.ts';
import { send } from './api.ts';
import { DemoBanner } from './demo-banner.tsx';

/** Who is signed in, and the way out. */
function Who() {
  const [me, setMe] = useState<Me | null>(null);
  useEffect(() => {
    void fetch('/api/auth/me').then(async (r) => r.ok && setMe((await r.json()) as Me));
  }, []);
  if (!me) return null;
  return (
    <span class="who-am-i" data-testid="me">
      {me.username} ({me.role}){' '}
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
export function TopBar({ title, children }: { title?: string; children?: ComponentChildren }) {
  useEffect(() => {
    document.title = `okienko${title ? ` — ${title}` : ''}`;
  }, [title]);
  return (
    <header class="top">
      <a class="skip" href="#main">
        {w.skip}
      </a>
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
