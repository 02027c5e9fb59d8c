import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { AlertView } from '@okienko/protocol/api';
import { alertText } from '@okienko/protocol/wording';
import { hhmm, lang, w } from './i18n.ts';
import { errorText, send } from './api.ts';
import { may } from './me.ts';

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
  // What still needs someone first, newest first; acknowledged ones below them.
  const order = (a: AlertView, b: AlertView): number => Number(a.ackedAt !== null) - Number(b.ackedAt !== null) || b.raisedAt - a.raisedAt;
  return { alerts: [...alerts.values()].sort(order), refresh };
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

/**
 * What is being written, per alert, kept by the panel: live updates redraw the list (and an alert
 * the stream sends again is drawn afresh), and a half-written comment must survive them.
 */
export interface Drafts {
  open: Set<string>;
  comment: Map<string, string>;
}

function AlertItem({ a, onAcked, drafts, canAck }: { a: AlertView; onAcked(): void; drafts: Drafts; canAck: boolean }) {
  const [open, setOpenState] = useState(drafts.open.has(a.id));
  const [comment, setCommentState] = useState(drafts.comment.get(a.id) ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const item = useRef<HTMLLIElement>(null);
  const setOpen = (v: boolean): void => {
    if (v) drafts.open.add(a.id);
    else drafts.open.delete(a.id);
    setOpenState(v);
  };
  const setComment = (v: string): void => {
    drafts.comment.set(a.id, v);
    setCommentState(v);
  };
  // The form opened by a press (mouse or keyboard) takes the focus, so typing goes into it:
  // `autofocus` is only honoured on page load, never on an element drawn later.
  const [justOpened, setJustOpened] = useState(false);
  useLayoutEffect(() => {
    if (justOpened && area.current) {
      area.current.focus();
      setJustOpened(false);
    }
  }, [justOpened]);
  const ack = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    const res = await send('POST', `/api/alerts/${a.id}/ack`, { comment });
    setBusy(false);
    if (!res.ok) return setError(await errorText(res));
    setError(null);
    drafts.comment.delete(a.id);
    setOpen(false);
    onAcked();
    // The form is gone: the focus stays on this alert (now acknowledged), not on <body>, so the
    // next Tab goes on from here rather than from the top of the page.
    setTimeout(() => item.current?.focus(), 0);
  };
  const cancel = (): void => {
    setOpen(false);
    setError(null);
    // Back to the button that opened it, not to <body>.
    setTimeout(() => opener.current?.focus(), 0);
  };
  return (
    <li ref={item} tabIndex={-1} class={`alert alert-${a.kind}${a.ackedAt ? ' acked' : ''}`} data-alert={a.kind} data-site={a.site}>
      <div>
        <time>{hhmm(a.raisedAt)}</time> {alertLine(a)}
      </div>
      {a.ackedAt ? (
        <div class="acked-by" data-testid="acked">
          {w.ackedBy(hhmm(a.ackedAt), a.ackedBy ?? '?')}
          {a.comment ? `: ${a.comment}` : ''}
        </div>
      ) : !canAck ? null : open ? (
        <form onSubmit={(e) => void ack(e)}>
          <label>
            {w.comment}
            <textarea
              ref={area}
              value={comment}
              onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)}
              // Enter is a new line in a comment; Ctrl+Enter (⌘+Enter) saves, as in most forms with one.
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void ack(e);
              }}
              rows={2}
            />
          </label>
          <button type="submit" disabled={busy}>
            {w.saveAck}
          </button>{' '}
          <button type="button" onClick={cancel}>
            {w.cancel}
          </button>
          {error ? (
            <p role="alert" class="error" data-testid="ack-error">
              {error}
            </p>
          ) : null}
        </form>
      ) : (
        <button
          type="button"
          ref={opener}
          onClick={() => {
            setOpen(true);
            setJustOpened(true);
          }}
        >
          {w.acknowledge}
        </button>
      )}
    </li>
  );
}

const SOUND_KEY = 'okienko.sound';
function soundRemembered(): boolean {
  try {
    return localStorage.getItem(SOUND_KEY) === 'on';
  } catch {
    return false; // storage blocked: off, as by default
  }
}
function rememberSound(on: boolean): void {
  try {
    localStorage.setItem(SOUND_KEY, on ? 'on' : 'off');
  } catch {
    // not kept; the choice holds until the page is reloaded
  }
}

/** New alerts show at once; with sound and browser notifications when the manager turns them on. */
export function AlertsPanel({ alerts, refresh }: { alerts: AlertView[]; refresh(): void }) {
  const [sound, setSoundState] = useState(soundRemembered);
  const setSound = (on: boolean): void => {
    rememberSound(on);
    setSoundState(on);
  };
  const drafts = useRef<Drafts>({ open: new Set(), comment: new Map() });
  const canAck = may('manager');
  // The heading counts what still needs someone: acknowledged alerts are seen to.
  const acked = alerts.filter((a) => a.ackedAt !== null).length;
  const waiting = alerts.length - acked;
  const seen = useRef(new Set<string>());
  useEffect(() => {
    const fresh = alerts.filter((a) => !seen.current.has(a.id));
    for (const a of alerts) seen.current.add(a.id);
    if (fresh.length === 0 || seen.current.size === fresh.length) return; // the first load is not news
    if (sound) beep();
    if ('Notification' in window && Notification.permission === 'granted') for (const a of fresh) new Notification('okienko', { body: alertLine(a) });
  }, [alerts, sound]);
  return (
    <section class="panel alerts" id="alerts" tabIndex={-1} aria-labelledby="alerts-h">
      <h2 id="alerts-h">
        {w.alerts} <small data-testid="alerts-count">({waiting})</small>
        {acked > 0 ? <small class="acked-count"> {w.alertsAcked(acked)}</small> : null}
      </h2>
      {canAck ? null : (
        <p class="role-note" data-testid="viewer-note">
          {w.viewerNote}
        </p>
      )}
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
          <AlertItem key={a.id} a={a} onAcked={refresh} drafts={drafts.current} canAck={canAck} />
        ))}
      </ul>
    </section>
  );
}
