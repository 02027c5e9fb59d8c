import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifyHelmet from '@fastify/helmet';
import type { Logger } from 'pino';
import type { LiveHub } from '../live/hub.ts';
import type { Ingest } from '../ingest/ingest.ts';
import type { Store } from '../store/types.ts';
import type { NoticeBoard } from '../notices/board.ts';
import { Sessions } from '../auth/sessions.ts';
import { authPlugin, type AuthOptions } from './auth.ts';
import { errorsPlugin } from './errors.ts';
import { securityHeaders } from './security-headers.ts';
import { metaRoutes } from './meta.ts';
import { eventsRoutes } from './events.ts';
import { reportsRoutes } from './reports.ts';
import { alertsRoutes } from './alerts.ts';
import { noticesRoutes } from './notices.ts';
import { devicesRoutes } from './devices.ts';
import { streamRoutes } from './stream.ts';
import { pagesRoutes } from './pages.ts';

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

/**
 * The bridge's HTTP server: one plugin per area (this folder's README), in an order that
 * matters — the error handlers first (every plugin's errors go through them), helmet's headers
 * before the login guard (so a 401 or a redirect to the login page carries them), the guard
 * before every route, and the dashboard's files last.
 */
export function buildHttp(deps: HttpDeps): FastifyInstance {
  // Request lines are info-level; the API is polled by dashboards, so only warnings and errors are kept.
  // (pino's Logger and fastify's base logger type differ only in generics; the instance is the same.)
  const log = deps.log.child({ component: 'http' }, { level: 'warn' }) as FastifyBaseLogger;
  // Live streams never end by themselves: closing must cut them, or a stop waits on open dashboards.
  const app = Fastify({ loggerInstance: log, forceCloseConnections: true });
  const now = deps.now ?? Date.now;
  const { store, hub, auth, notices } = deps;
  const sessions = auth ? new Sessions(auth.store, auth.now ?? Date.now, auth.sessionRecheckMs) : null;

  void app.register(errorsPlugin, { log });
  void app.register(fastifyHelmet, securityHeaders({ https: auth?.secureCookies === true }));
  if (auth) void app.register(authPlugin, { ...auth, sessions: sessions! });
  void app.register(metaRoutes, { hub, ingest: deps.ingest, mqttConnected: deps.mqttConnected });
  void app.register(eventsRoutes, { store });
  void app.register(reportsRoutes, { store, now, timeZone: deps.timeZone });
  void app.register(alertsRoutes, { store, hub, now, timeZone: deps.timeZone });
  if (notices) void app.register(noticesRoutes, { notices });
  void app.register(devicesRoutes, { store, passwordFile: deps.passwordFile });
  void app.register(streamRoutes, { hub, log: deps.log, sessions });
  // On the root itself, as before: `okienko start` adds the simulated counters' panels here.
  void app.after(() => deps.extraRoutes?.(app));
  void app.register(pagesRoutes, { store, now, notices, dashboardDir: deps.dashboardDir, timeZone: deps.timeZone, demo: deps.demo });
  return app;
}
