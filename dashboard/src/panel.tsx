import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { PHRASES, STATUS_TEXT } from '@okienko/protocol/wording';
import type { PanelView } from './live.ts';
import { Face } from './face.tsx';
import { errorText } from './api.ts';

const [, , site, counter] = location.pathname.split('/');
const api = `/sim/api/${site}/${counter}`;

// Edges must reach the counter in the order they happened (an "up" before its "down" would leave
// a button held), so requests go one after another.
let queue: Promise<void> = Promise.resolve();
function post(action: string, body: object): Promise<void> {
  queue = queue.then(() => send(action, body)).catch(() => {});
  return queue;
}

async function send(action: string, body: object): Promise<void> {
  const res = await fetch(`${api}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  // In the page's words by the error's code (outbox full, disk full …), as every other page says it.
  if (!res.ok) alert(await errorText(res));
}

/**
 * A panel button sends its real edges, so holding it down is a hold, as on the counter. The
 * keyboard (Enter/Space) gives a short press.
 */
function edges(button: string) {
  const send = (pressed: boolean) => void post('edge', { button, pressed });
  return {
    onPointerDown: (e: PointerEvent) => {
      (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
      send(true);
    },
    onPointerUp: () => send(false),
    onPointerCancel: () => send(false),
    onKeyDown: (e: KeyboardEvent) => {
      if ((e.key === 'Enter' || e.key === ' ') && !e.repeat) {
        e.preventDefault();
        void post('press', { button });
      }
    },
  };
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
        <button type="button" data-testid="btn-clerk" {...edges('clerk')}>
          Wolne ⇄ Obsługa
          <small>
            przycisk urzędnika: wolne ⇄ obsługa · powrót · przytrzymaj: wychodzę
            <span lang="en"> · clerk button: free ⇄ serving · back · hold: leaving</span>
          </small>
        </button>
        <button type="button" data-testid="btn-away" {...edges('away')}>
          {STATUS_TEXT.away.pl}
          <small>
            naciśnij znów: następny wybór · poczekaj: zapisz · przycisk urzędnika: anuluj
            <span lang="en"> · again: next choice · wait: confirm · clerk button: cancel</span>
          </small>
        </button>
        <label class="badge">
          Identyfikator / badge:{' '}
          <select data-testid="badge" onChange={(e) => {
            const badgeId = (e.currentTarget as HTMLSelectElement).value;
            (e.currentTarget as HTMLSelectElement).value = '';
            if (badgeId) void post('badge', { badgeId });
          }}>
            <option value="">przyłóż kartę… / present a card…</option>
            {view.badges.map((b) => (
              <option key={b.badgeId} value={b.badgeId}>{b.name} ({b.badgeId})</option>
            ))}
          </select>
        </label>
      </section>
      <section aria-label="Ocena obsługi / feedback" class="faces">
        <p>{PHRASES.howServed.pl} <span lang="en">{PHRASES.howServed.en}</span></p>
        {view.faces.map((label, i) => (
          <button type="button" key={i} data-testid={`btn-face-${i + 1}`} aria-label={`ocena ${i + 1} z ${view.faces.length} ${label}`} {...edges(`face-${i + 1}`)}>
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
