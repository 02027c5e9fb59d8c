import { describe, expect, it } from 'vitest';
import { simIndexHtml } from '@okienko/sim';

describe('/sim, the list of simulated counters (sim/index-page.ts)', () => {
  it('lists the counters by site in order, with state, clerk and a link to each panel, on the dashboard\'s stylesheet', () => {
    const html = simIndexHtml([
      { site: 'ratusz', counter: 'okienko-10', clerk: 'Jan Kowalski', status: 'serving', linkUp: true },
      { site: 'filia', counter: 'okienko-1', clerk: null, status: 'closed', linkUp: true },
      { site: 'ratusz', counter: 'okienko-2', clerk: 'Anna <Nowak>', status: 'available', linkUp: false },
    ]);
    expect(html).toContain('<link rel="stylesheet" href="/styles.css">');
    expect(html).not.toMatch(/<script|style=/); // nothing a Content-Security-Policy would refuse
    expect(html.indexOf('data-site="filia"')).toBeLessThan(html.indexOf('data-site="ratusz"'));
    expect(html.indexOf('okienko-2"')).toBeLessThan(html.indexOf('okienko-10"')); // 2 before 10
    expect(html).toContain('<a href="/sim/ratusz/okienko-10">okienko-10</a>');
    expect(html).toContain('Trwa obsługa — proszę czekać');
    expect(html).toContain('Anna &#60;Nowak&#62;');
    // A counter whose link is down says so, not its last state.
    expect(html).toMatch(/data-counter="ratusz\/okienko-2">\s*<header>.*Brak połączenia/);
  });

  it('says the counters are still starting when there are none yet', () => {
    expect(simIndexHtml([])).toContain('jeszcze się uruchamiają');
  });
});
