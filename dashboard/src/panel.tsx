import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { PHRASES, STATUS_TEXT } from '@okienko/protocol/wording';
import type { PanelView } from './live.ts';
import { Face } from './face.tsx';

const [, , site, counter] = location.pathname.split('/');
const api = `/sim/api/${site}/${counter}`;

async function press(button: string): Promise<void> {
  const res = await fetch(`${api}/press`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ button }),
  });
  if (!res.ok) alert(((await res.json()) as { message?: string; error?: string }).message ?? res.statusText);
}

function Panel() {
  const [view, setView] = useState<PanelView | null>(null);
  useEffect(() => {
    const source = new EventSource(`${api}/stream`);
    source.addEventListener('panel', (e) => setView(JSON.parse((e as MessageEvent<string>).data) as PanelView));
    return () => source.close();
  }, []);
  if (!view) return <p>Łączenie… / Connecting…</p>;
  const hw = view.hardware;
  const light = hw.flashing ?? hw.light;
  return (
    <main class="panel" data-status={view.status}>
      <h1>
        {view.site} / {view.counter}
      </h1>
      <div class="device">
        <div class={`light light-${light}${hw.flashing ? ' flashing' : ''}`} data-testid="light" data-color={light} role="img" aria-label={`światło: ${light}`} />
        <pre class="lcd" data-testid="display" style={{ width: `${hw.size.cols}ch` }}>
          {hw.lines.join('\n')}
        </pre>
      </div>
      <section aria-label="Przyciski urzędnika / clerk's buttons" class="clerk-buttons">
        <button type="button" data-testid="btn-clerk" onClick={() => void press('clerk')}>
          Wolne ⇄ Obsługa
          <small>free ⇄ serving · back</small>
        </button>
        <button type="button" data-testid="btn-away" onClick={() => void press('away')}>
          {STATUS_TEXT.away.pl}
          <small>press again to pick the time</small>
        </button>
      </section>
      <section aria-label="Ocena obsługi / feedback" class="faces">
        <p>{PHRASES.howServed.pl} <span lang="en">{PHRASES.howServed.en}</span></p>
        {view.faces.map((label, i) => (
          <button type="button" key={i} data-testid={`btn-face-${i + 1}`} aria-label={`ocena ${i + 1} z ${view.faces.length} ${label}`} onClick={() => void press(`face-${i + 1}`)}>
            <Face index={i + 1} scale={view.faces.length} size={48} />
          </button>
        ))}
      </section>
      <footer>
        {STATUS_TEXT[view.status].pl} · {view.clerk ?? 'nikt nie zalogowany'} ·{' '}
        <span data-testid="link">{view.linkUp ? 'połączono' : 'brak łączności'}</span> · w kolejce: <span data-testid="pending">{view.pendingEvents}</span> · <a href="/">dashboard</a>
      </footer>
    </main>
  );
}

render(<Panel />, document.getElementById('app')!);
