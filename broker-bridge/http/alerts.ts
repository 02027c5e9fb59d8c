import type { FastifyPluginAsync } from 'fastify';
import { AlertsQuery, DEFAULT_TIME_ZONE, alertText, describeIssues, isStorableText, replyError } from '@okienko/protocol';
import { csvTime, toCsv } from '../reports/reports.ts';
import type { LiveHub } from '../live/hub.ts';
import type { AlertStore } from '../store/types.ts';

export type AlertsDeps = { store: AlertStore; hub: LiveHub; now: () => number; timeZone?: string | undefined };

/** GET /api/alerts (JSON or CSV) and POST /api/alerts/:id/ack. */
export const alertsRoutes: FastifyPluginAsync<AlertsDeps> = async (app, deps) => {
  app.get('/api/alerts', async (req, reply) => {
    const q = AlertsQuery.safeParse(req.query);
    if (!q.success) return replyError(reply, 'bad_query', describeIssues(q.error).join('; '));
    const alerts = await deps.store.listAlerts(q.data);
    if (q.data.format === 'json') return alerts;
    // Office times and the reader's language, as the history page shows them (not UTC and English).
    const zone = deps.timeZone ?? DEFAULT_TIME_ZONE;
    const lang = q.data.lang;
    const at = (ms: number | null) => csvTime(ms, zone, lang);
    const hm = (ms: number) => csvTime(ms, zone, lang)!.slice(-5);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="alerty.csv"')
      .send(
        toCsv(
          ['raised_at', 'kind', 'site', 'counter', 'message', 'cleared_at', 'acked_at', 'acked_by', 'comment'],
          alerts.map((a) => [at(a.raisedAt), a.kind, a.site, a.counter, alertText(a, lang, hm), at(a.clearedAt), at(a.ackedAt), a.ackedBy, a.comment]),
          lang,
        ),
      );
  });

  app.post<{ Params: { id: string }; Body: { comment?: unknown; by?: unknown } }>('/api/alerts/:id/ack', async (req, reply) => {
    // Cut by characters, not UTF-16 units: a cut must not leave half of an emoji's surrogate pair.
    const comment = typeof req.body?.comment === 'string' ? Array.from(req.body.comment).slice(0, 2000).join('') : '';
    // PostgreSQL refuses a NUL in text: a clear 400, not its error as a 500.
    if (!isStorableText(comment)) return replyError(reply, 'bad_comment', 'comment must not hold a NUL character (\\u0000) or half of a surrogate pair');
    // Who acknowledged: the signed-in user (without logins, in unit tests of the API, as given).
    const by = req.session?.username ?? (typeof req.body?.by === 'string' && req.body.by ? req.body.by.slice(0, 80) : 'manager');
    const alert = await deps.store.ackAlert(req.params.id, by, comment, deps.now());
    if (!alert) return replyError(reply, 'no_alert', `no alert ${req.params.id}`);
    deps.hub.alertChanged(alert);
    return alert;
  });
};
