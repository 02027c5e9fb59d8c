import { useEffect, useRef, useState } from 'preact/hooks';
import type { AlertView } from '@okienko/protocol/api';
import { alertText } from '@okienko/protocol/wording';
import { hhmm, lang, w } from './i18n.ts';
import { send } from './api.ts';

/** An alert in the reader's language, times in the office's zone. */
export const alertLine = (a: AlertView): string => alertText(a, lang, hhmm);

/** Open alerts from /api/alerts, kept current by the live stream's `alert` messages. */
export function useAlerts(source: EventSource | null): { alerts: AlertView[]; refresh(): void } {
  const [alerts, setAlerts] = useState(new Map<string, AlertView>());
  const refresh = (): void => {
    void fetch('/api/alerts?open=true&limit=200')
      .then((r) => r.json() as Promise<AlertView[]>)
      .then((list) => setAlerts(new Map(list.map((a) => [a.id, a]))))
      .catch(() => {});
  };
  useEffect(() => {
    if (!source) return;
    refresh();
    const onAlert = (e: Event): void => {
      const a = JSON.parse((e as MessageEvent<string>).data) as AlertView;
      setAlerts((prev) => {
        const next = new Map(prev);
        if (a.clearedAt === null) next.set(a.id, a);
        else next.delete(a.id); // ended by itself: it stays in the history, not on the panel
        return next;
      });
    };
    // After a reconnect the stream starts over: fetch what was raised meanwhile.
    source.addEventListener('snapshot', refresh);
    source.addEventListener('alert', onAlert);
    return () => {
      source.removeEventListener('snapshot', refresh);
      source.removeEventListener('alert', onAlert);
    };
  }, [source]);
  return { alerts: [...alerts.values()].sort((a, b) => b.raisedAt - a.raisedAt), refresh };
}

/** A short tone for a new alert (Web Audio: no file to fetch). */
function beep(): void {
  const ctx = new AudioContext();
  const osc = ctx.createOscillator();
  osc.frequency.value = 880;
  osc.connect(ctx.destination);
  osc.start();
  osc.stop(ctx.currentTime + 0.25);
}

function AlertItem({ a, onAcked }: { a: AlertView; onAcked(): void }) {
  const [open, setOpen] = useState(false);
  const [comment, setComment] = useState('');
  const ack = async (e: Event): Promise<void> => {
    e.preventDefault();
    const res = await send('POST', `/api/alerts/${a.id}/ack`, { comment });
    if (!res.ok) return;
    setOpen(false);
    onAcked();
  };
  return (
    <li class={`alert alert-${a.kind}${a.ackedAt ? ' acked' : ''}`} data-alert={a.kind} data-site={a.site}>
      <div>
        <time>{hhmm(a.raisedAt)}</time> {alertLine(a)}
      </div>
      {a.ackedAt ? (
        <div class="acked-by" data-testid="acked">
          {w.ackedBy(hhmm(a.ackedAt), a.ackedBy ?? '?')}
          {a.comment ? `: ${a.comment}` : ''}
        </div>
      ) : open ? (
        <form onSubmit={(e) => void ack(e)}>
          <label>
            {w.comment}
            {/* Focus moves here when the form opens, so keyboard users type at once. */}
            <textarea autoFocus value={comment} onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)} rows={2} />
          </label>
          <button type="submit">{w.saveAck}</button>
        </form>
      ) : (
        <button type="button" onClick={() => setOpen(true)}>
          {w.acknowledge}
        </button>
      )}
    </li>
  );
}

/** New alerts show at once; with sound and browser notifications when the manager turns them on. */
export function AlertsPanel({ alerts, refresh }: { alerts: AlertView[]; refresh(): void }) {
  const [sound, setSound] = useState(false);
  const seen = useRef(new Set<string>());
  useEffect(() => {
    const fresh = alerts.filter((a) => !seen.current.has(a.id));
    for (const a of alerts) seen.current.add(a.id);
    if (fresh.length === 0 || seen.current.size === fresh.length) return; // the first load is not news
    if (sound) beep();
    if ('Notification' in window && Notification.permission === 'granted') for (const a of fresh) new Notification('okienko', { body: alertLine(a) });
  }, [alerts, sound]);
  return (
    <section class="panel alerts" aria-labelledby="alerts-h">
      <h2 id="alerts-h">
        {w.alerts} <small>({alerts.length})</small>
      </h2>
      <div class="panel-tools">
        <label>
          <input type="checkbox" checked={sound} onChange={(e) => setSound((e.target as HTMLInputElement).checked)} /> {w.sound}
        </label>
        {'Notification' in window && Notification.permission === 'default' ? (
          <button type="button" onClick={() => void Notification.requestPermission()}>
            {w.notifications}
          </button>
        ) : null}
        <a href="/alerts">{w.history}</a>
      </div>
      {alerts.length === 0 ? <p>{w.noOpenAlerts}</p> : null}
      <ul>
        {alerts.map((a) => (
          <AlertItem key={a.id} a={a} onAcked={refresh} />
        ))}
      </ul>
    </section>
  );
}
