import { STATUS_TEXT, type CounterStatus } from '@okienko/protocol';

/** One simulated counter as the list at /sim shows it. */
export interface SimIndexRow {
  site: string;
  counter: string;
  /** The clerk signed in now, or null. */
  clerk: string | null;
  status: CounterStatus;
  linkUp: boolean;
}

/**
 * `/sim`: every simulated counter by site, its state and clerk now, and a link to its virtual
 * panel. Plain HTML on the dashboard's stylesheet (no script, no inline style: it passes the
 * dashboard's Content-Security-Policy); Polish with English, like the panels.
 */
export function simIndexHtml(rows: readonly SimIndexRow[]): string {
  const bySite = new Map<string, SimIndexRow[]>();
  for (const r of rows) bySite.set(r.site, [...(bySite.get(r.site) ?? []), r]);
  const byName = new Intl.Collator('pl', { numeric: true });
  const sites = [...bySite.keys()].sort(byName.compare);
  const card = (r: SimIndexRow): string => {
    const key = `${encodeURIComponent(r.site)}/${encodeURIComponent(r.counter)}`;
    const state = r.linkUp ? STATUS_TEXT[r.status] : STATUS_TEXT.offline;
    return `<li class="card status-${r.linkUp ? r.status : 'offline'}" data-counter="${escapeHtml(`${r.site}/${r.counter}`)}">
<header><h3><a href="/sim/${key}">${escapeHtml(r.counter)}</a></h3><span class="status">${escapeHtml(state.pl)}<small lang="en">${escapeHtml(state.en)}</small></span></header>
<div class="clerk">${r.clerk ? escapeHtml(r.clerk) : '—'}</div>
<a class="panel-link" href="/sim/${key}">otwórz panel<span class="sr-only"> ${escapeHtml(`${r.site}/${r.counter}`)}</span> <span lang="en">/ open the panel</span></a>
</li>`;
  };
  const body = sites.length
    ? sites
        .map((site) => `<section data-site="${escapeHtml(site)}"><h2>${escapeHtml(site)}</h2><ul class="cards sim-list">${bySite.get(site)!.sort((a, b) => byName.compare(a.counter, b.counter)).map(card).join('')}</ul></section>`)
        .join('')
    : '<p>Symulowane stanowiska jeszcze się uruchamiają. <span lang="en">The simulated counters are still starting.</span></p>';
  return `<!doctype html>
<html lang="pl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>okienko — wirtualne panele</title>
<link rel="stylesheet" href="/styles.css">
</head>
<body>
<header class="top"><a class="skip" href="#main">Przejdź do treści</a><h1>okienko — wirtualne panele <span lang="en">/ virtual panels</span></h1>
<nav aria-label="Nawigacja"><a href="/">tablica na żywo</a><a href="/lobby">tablica w holu</a></nav></header>
<main id="main">
<p class="sim-hint">Każde stanowisko jest symulowane: w jego panelu naciśniesz przyciski urzędnika, buźki mieszkańca i przyłożysz kartę. <span lang="en">Each counter is simulated: its panel has the clerk's buttons, the residents' faces and the badge reader.</span></p>
${body}
</main>
</body>
</html>
`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
