import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import fastifyHelmet from '@fastify/helmet';
import type { Logger } from 'pino';
import { AVAILABILITY_GROUPS, alertText, apiError, codeOfStatus, AlertsQuery, DEFAULT_TIME_ZONE, isAvailabilityGroup, type AvailabilityReport, describeIssues, isStorableText, isValidId, ID_RULE, type ProvisionedDevice, EventsQuery, ReportQuery, asyncApiDocument, openApiDocument, type Health, type Office } from '@okienko/protocol';
import { availabilityReport, csvTime, faceColumns, feedbackReport, toCsv } from '../reports/reports.ts';
import type { LiveHub, LiveMessage } from '../live/hub.ts';
import type { Ingest } from '../ingest/ingest.ts';
import { bridgeMetrics } from './metrics.ts';
import { counterKey, type Store } from '../store/types.ts';
import type { NoticeBoard } from '../notices/board.ts';
import { registerNoticeRoutes } from './notices.ts';
import { lobbyView } from '../live/lobby.ts';
import { PasswordFile, counterUsername, principal } from '../broker/credentials.ts';
import { registerAuth, type AuthOptions } from './auth.ts';
import { Sessions } from '../auth/sessions.ts';
import { securityHeaders } from './security-headers.ts';

export interface HttpDeps {
  store: Store;
  hub: LiveHub;
  ingest: Ingest;
  mqttConnected: () => boolean;
  log: Logger;
  /** Built dashboard files; served at / when present. */
  dashboardDir?: string | undefined;
  /** The office's zone, for days and hours in reports. */
  timeZone?: string | undefined;
  /** Logins and roles; the bridge always passes it (unit tests of the API itself may not). */
  auth?: AuthOptions | undefined;
  /** The broker's password file, when this bridge may add counters to it (the embedded broker's). */
  passwordFile?: string | undefined;
  /** Notices to displays; without one the routes are absent. */
  notices?: NoticeBoard | undefined;
  /** Lets `okienko start` put the simulated counters' panels on the same port. */
  extraRoutes?: ((app: FastifyInstance) => void) | undefined;
  /** The bridge's clock (default Date.now): report periods, acknowledgements, the lobby's time. */
  now?: (() => number) | undefined;
  /** The store holds the demo's history (demo.ts): pages show a banner. */
  demo?: { since: number } | null | undefined;
}

export function buildHttp(deps: HttpDeps): FastifyInstance {
  // Request lines are info-level; the API is polled by dashboards, so only warnings and errors are kept.
  // (pino's Logger and fastify's base logger type differ only in generics; the instance is the same.)
  const httpLog = deps.log.child({ component: 'http' }, { level: 'warn' });
  // Live streams never end by themselves: closing must cut them, or a stop waits on open dashboards.
  const app = Fastify({ loggerInstance: httpLog as FastifyBaseLogger, forceCloseConnections: true });
  const now = deps.now ?? Date.now;
  // The process's own uptime: real time, whatever clock the office's data runs on.
  const started = Date.now();
  // Fastify's own answers (bad JSON, an unknown route, a throw) carry a listed code as well.
  app.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) httpLog.error({ err }, 'request failed');
    return reply.code(status).send(apiError(codeOfStatus(status), status >= 500 ? 'the server failed; its log says why' : err.message));
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send(apiError('not_found', `no such page: ${req.method} ${req.url.split('?')[0]}`)));
  const auth = deps.auth;
  const sessions = auth ? new Sessions(auth.store, auth.now ?? Date.now, auth.sessionRecheckMs) : null;
  // Security headers on every reply (security-headers.ts). The login guard's hook goes in after
  // helmet's, so a 401 or a redirect to the login page carries them too.
  void app.register(fastifyHelmet, securityHeaders({ https: auth?.secureCookies === true })).after(() => {
    if (auth) registerAuth(app, auth, sessions!);
  });

  app.get('/api/health', async (): Promise<Health> => ({
    status: deps.mqttConnected() ? 'ok' : 'degraded',
    mqtt: deps.mqttConnected() ? 'connected' : 'disconnected',
    uptimeS: Math.round((Date.now() - started) / 1000),
    stored: deps.ingest.stored,
    duplicates: deps.ingest.duplicates,
    gaps: deps.ingest.gaps,
    rejected: deps.ingest.rejected,
  }));

  app.get('/api/counters', async () => deps.hub.snapshot());

  // Both generated from the same zod schemas the code validates with.
  app.get('/api/openapi.json', async () => openApiDocument());
  app.get('/api/asyncapi.json', async () => asyncApiDocument());

  const metrics = bridgeMetrics(deps.ingest, deps.hub, deps.mqttConnected);
  app.get('/metrics', async (_req, reply) => reply.type(metrics.contentType).send(await metrics.metrics()));

  app.get('/api/events', async (req, reply) => {
    const q = EventsQuery.safeParse(req.query);
    if (!q.success) {
      return reply.code(400).send(apiError('bad_query', describeIssues(q.error).join('; ')));
    }
    const rows = await deps.store.listEvents(q.data);
    return rows.map((r) => ({ ...r.event, receivedAt: r.receivedAt, effectiveAt: r.effectiveAt }));
  });

  const reportQuery = (query: unknown) => {
    const q = ReportQuery.safeParse(query);
    if (!q.success) return { problem: describeIssues(q.error).join('; ') };
    const to = q.data.to ?? now();
    return { ...q.data, to, from: q.data.from ?? to - 7 * 86_400_000 };
  };
  const MAX_REPORT_EVENTS = 2_000_000;

  app.get('/api/reports/feedback', async (req, reply) => {
    const q = reportQuery(req.query);
    if ('problem' in q) return reply.code(400).send(apiError('bad_query', q.problem));
    const events = await deps.store.listEvents({ type: 'feedback', from: q.from, to: q.to, limit: MAX_REPORT_EVENTS });
    const rows = feedbackReport(events, q.groupBy, deps.timeZone ?? DEFAULT_TIME_ZONE, q.includeFlagged);
    if (q.format === 'json') return { from: q.from, to: q.to, groupBy: q.groupBy, includeFlagged: q.includeFlagged, rows };
    // Columns follow the scale the votes were cast on: no face_5 on a four-face office.
    const faces = faceColumns(events);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="oceny-${q.groupBy}.csv"`)
      .send(toCsv([q.groupBy, 'votes', 'score', ...faces.map((f) => `face_${f}`)], rows.map((r) => [r.group, r.votes, r.score, ...faces.map((f) => r.faces[f] ?? 0)]), q.lang));
  });

  app.get('/api/reports/availability', async (req, reply) => {
    const q = reportQuery(req.query);
    if ('problem' in q) return reply.code(400).send(apiError('bad_query', q.problem));
    const groupBy = q.groupBy;
    if (!isAvailabilityGroup(groupBy)) return reply.code(400).send(apiError('bad_query', `groupBy: the availability report groups by ${AVAILABILITY_GROUPS.join(', ')} (not ${groupBy})`));
    // Time not yet lived is no one's: a period reaching into the future ends now.
    const to = Math.min(q.to, now());
    // The state at the start of the period is the one each counter's last change before it left,
    // however long ago; every counter known is counted, those that never changed too.
    const [before, within, counters] = await Promise.all([
      deps.store.lastStateChanges(q.from),
      deps.store.listEvents({ type: 'state_changed', from: q.from, to, limit: MAX_REPORT_EVENTS }),
      deps.store.listCounters(),
    ]);
    const rows = availabilityReport([...before, ...within], q.from, to, groupBy, { counters, timeZone: deps.timeZone });
    if (q.format === 'json') return { from: q.from, to: q.to, groupBy, rows } satisfies AvailabilityReport;
    const min = (ms: number) => Math.round(ms / 60_000);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="dostepnosc-${groupBy}.csv"`)
      .send(
        toCsv(
          [groupBy, 'available_min', 'serving_min', 'away_min', 'closed_min', 'staffed_percent', 'clients_served'],
          rows.map((r) => [r.group, min(r.ms.available), min(r.ms.serving), min(r.ms.away), min(r.ms.closed), r.staffedPercent, r.sessions]),
          q.lang,
        ),
      );
  });

  app.get('/api/alerts', async (req, reply) => {
    const q = AlertsQuery.safeParse(req.query);
    if (!q.success) return reply.code(400).send(apiError('bad_query', describeIssues(q.error).join('; ')));
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
    if (!isStorableText(comment)) return reply.code(400).send(apiError('bad_comment', 'comment must not hold a NUL character (\\u0000) or half of a surrogate pair'));
    // Who acknowledged: the signed-in user (without logins, in unit tests of the API, as given).
    const by = req.session?.username ?? (typeof req.body?.by === 'string' && req.body.by ? req.body.by.slice(0, 80) : 'manager');
    const alert = await deps.store.ackAlert(req.params.id, by, comment, now());
    if (!alert) return reply.code(404).send(apiError('no_alert', `no alert ${req.params.id}`));
    deps.hub.alertChanged(alert);
    return alert;
  });

  if (deps.notices) registerNoticeRoutes(app, deps.notices);

  // The lobby board's data (issue 5): hall screens poll it; no login, only what displays show.
  const notices = deps.notices;
  app.get('/api/public/lobby', async (_req, reply) => {
    const view = lobbyView(await deps.store.listCounters(), notices ? await notices.list(true) : [], now());
    return reply.header('cache-control', 'no-store').header('access-control-allow-origin', '*').send(view);
  });
  // Every page shows times in the office's zone, whatever zone the browser is in.
  const office: Office = { timeZone: deps.timeZone ?? DEFAULT_TIME_ZONE, demo: deps.demo ?? null };
  app.get('/api/public/office', async () => office);
  // The dashboard's pages at their plain paths (the login guard decides who may see which).
  for (const page of ['lobby', 'login', 'reports', 'devices', 'alerts', 'sessions']) {
    app.get(`/${page}`, async (_req, reply) => {
      if (!deps.dashboardDir) return reply.code(404).send(apiError('not_built', 'the dashboard is not built: run `npx okienko build`'));
      return reply.type('text/html; charset=utf-8').send(fs.createReadStream(`${deps.dashboardDir}/${page}.html`));
    });
  }
  // A new counter's broker credentials, where this bridge keeps the broker's password file.
  app.post<{ Body: { site?: unknown; counter?: unknown; replace?: unknown } }>('/api/devices', async (req, reply) => {
    const ref = { site: String(req.body?.site ?? ''), counter: String(req.body?.counter ?? '') };
    if (!isValidId(ref.site) || !isValidId(ref.counter)) return reply.code(400).send(apiError('bad_device', `site and counter: ${ID_RULE}`));
    if (!deps.passwordFile) {
      return reply.code(409).send(apiError('no_password_file', `this bridge keeps no broker passwords: run \`npx okienko provision --site ${ref.site} --counter ${ref.counter}\` where the broker's password file is, or start the bridge with --broker-password-file`));
    }
    const username = counterUsername(ref);
    const file = new PasswordFile(deps.passwordFile);
    // A counter running with its secret would be locked out by a new one ("Bad username or
    // password" until its config is changed by hand): replaced only when asked for in so many words.
    if (file.read().has(username) && req.body?.replace !== true) {
      const row = await deps.store.getCounter(ref.site, ref.counter);
      const seen = row ? (row.online ? ' and is online with them now' : `, last seen ${new Date(row.lastSeen).toISOString()}`) : '';
      const message = `${username} has credentials already${seen}: new ones lock the counter out until its config gets them. To replace them, send again with "replace": true`;
      return reply.code(409).send({ ...apiError('device_has_credentials', message), online: row?.online ?? false, lastSeen: row?.lastSeen ?? null });
    }
    return reply.code(201).send({ username, password: file.set(username) });
  });

  // The counters the broker's password file lets in, and whether this bridge ever heard of each:
  // provisioned but never seen is a counter not yet set up, or set up wrong.
  app.get('/api/devices/credentials', async (_req, reply) => {
    if (!deps.passwordFile) return reply.code(409).send(apiError('no_password_file', 'this bridge keeps no broker passwords: start it with --broker-password-file to list the counters provisioned'));
    const known = new Set((await deps.store.listCounters()).map((c) => counterKey(c)));
    const rows: ProvisionedDevice[] = [];
    for (const username of new PasswordFile(deps.passwordFile).read().keys()) {
      const p = principal(username);
      if (p?.kind === 'counter') rows.push({ ...p.ref, seen: known.has(counterKey(p.ref)) });
    }
    return rows.sort((a, b) => a.site.localeCompare(b.site) || a.counter.localeCompare(b.counter));
  });

  app.get('/api/stream', (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    // Subscribe before the snapshot so nothing falls between them; the client applies both in order.
    const buffered: LiveMessage[] = [];
    let ready = false;
    const onMessage = (m: LiveMessage): void => {
      if (ready) sendSse(res, m.type, payloadOf(m));
      else buffered.push(m);
    };
    deps.hub.on('message', onMessage);
    const heartbeat = setInterval(() => res.write(': ping\n\n'), 15_000);
    // A stream outlives the request that checked its session: it ends when the session does
    // (a logout, a new password or role, a removed user), here or on another bridge.
    const unwatch = req.session && sessions ? sessions.watch(req.session, () => {
            sendSse(res, 'session_ended', { error: 'session_ended', message: 'this session has ended: sign in again at /login' });
            res.end();
          }) : () => {};
    req.raw.on('close', () => {
      clearInterval(heartbeat);
      unwatch();
      deps.hub.off('message', onMessage);
    });
    deps.hub.snapshot().then(
      (counters) => {
        sendSse(res, 'snapshot', counters);
        for (const m of buffered) sendSse(res, m.type, payloadOf(m));
        ready = true;
      },
      (err: unknown) => {
        deps.log.error({ err }, 'live stream snapshot failed');
        res.end(); // the browser reconnects and asks again
      },
    );
  });

  deps.extraRoutes?.(app);

  if (deps.dashboardDir && fs.existsSync(deps.dashboardDir)) {
    void app.register(fastifyStatic, { root: deps.dashboardDir, prefix: '/' });
  } else {
    app.get('/', async (_req, reply) =>
      reply.type('text/plain; charset=utf-8').send('The dashboard is not built: run `npx okienko build` (npm start does it).'),
    );
  }
  return app;
}

function payloadOf(m: LiveMessage): unknown {
  return m.type === 'counter' ? m.counter : m.type === 'alert' ? m.alert : m;
}

function sendSse(res: ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}
