import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import { ALL_TOPICS, counterTopic, type CounterCommand } from '@okienko/protocol';
import { buildHttp } from './http/server.ts';
import { Ingest, type Prepared } from './ingest/ingest.ts';
import { AlertEngine } from './alerts/engine.ts';
import type { AlertRules } from './alerts/rules.ts';
import { LiveHub } from './live/hub.ts';
import { BridgeLink } from './ingest/mqtt-link.ts';
import { NoticeBoard } from './notices/board.ts';
import { demoMark } from './demo.ts';
import type { Store } from './store/types.ts';

export interface BridgeOptions {
  mqtt: {
    url: string;
    username?: string | undefined;
    password?: string | undefined;
    protocolVersion: 4 | 5;
    /** Stable, so the broker keeps our session and queues QoS 1 events while the bridge is down. */
    clientId: string;
    /**
     * Several bridges share the stream (`$share/<group>/okienko/v1/#`): the broker gives each
     * message to one of them. Each bridge keeps its own client id and session.
     */
    sharedGroup?: string | undefined;
    /** For mqtts:// with the office's own certificate authority. */
    ca?: Buffer | undefined;
  };
  store: Store;
  http: { host: string; port: number };
  timeZone: string;
  dashboardDir?: string | undefined;
  extraRoutes?: ((app: FastifyInstance) => void) | undefined;
  alertRules?: AlertRules | undefined;
  /** The broker's password file, when this bridge may add counters to it (POST /api/devices). */
  passwordFile?: string | undefined;
  /** Mark login cookies Secure: the dashboard is served over HTTPS (e.g. behind a reverse proxy). */
  secureCookies?: boolean | undefined;
  /** Keep raw events this many days (hourly vote counts and alerts are kept regardless); none: keep all. */
  retentionDays?: number | undefined;
  /**
   * The bridge's clock (default Date.now): when messages are received, alerts raised and cleared,
   * today's votes, report periods, acknowledgements, notices and the lobby's time all read it, so
   * a test can run a whole office day on a clock it moves by hand. (Login sessions keep real time.)
   */
  now?: (() => number) | undefined;
  /**
   * `manual`: the alert rules run only when `bridge.alerts.check()` is called — for a test on a
   * moved clock, whose timers (every 15 s, and a second after a change, in real time) would run
   * them at moments of the machine's choosing, between the steps the test takes. Default: timers.
   */
  alertChecks?: 'timers' | 'manual' | undefined;
  log: Logger;
}

export interface Bridge {
  url: string;
  ingest: Ingest;
  hub: LiveHub;
  http: FastifyInstance;
  link: BridgeLink<Prepared>;
  store: Store;
  alerts: AlertEngine;
  notices: NoticeBoard;
  close(): Promise<void>;
}

/**
 * Subscribes to every counter topic, stores each message through Ingest, and serves the HTTP API
 * and live stream. A QoS 1 message is acknowledged to the broker only after it is committed, so a
 * crash of the bridge never loses an acknowledged event.
 */
export async function startBridge(opts: BridgeOptions): Promise<Bridge> {
  const log = opts.log.child({ component: 'bridge' });
  const now = opts.now ?? Date.now;
  const hub = new LiveHub(opts.store, opts.timeZone, now);
  hub.on('error', (err) => log.error({ err }, 'live view failed'));
  const alerts = new AlertEngine(opts.store, hub, log, (a) => hub.alertChanged(a), opts.alertRules, now);
  const ingest = new Ingest(
    opts.store,
    {
      onEvent: (e, at) => {
        hub.eventStored(e, at);
        alerts.event(e);
      },
      onOnline: (ref) => void notices.counterOnline(ref).catch((err: unknown) => log.error({ err }, 'notices not re-sent')),
      // A batch's votes reach the hub before its rows: the views it sends count them.
      onVotes: (votes) => hub.votesAdded(votes),
      onCounter: (r) => {
        hub.counterChanged(r);
        if (opts.alertChecks !== 'manual') alerts.soon();
      },
      // Events went missing: ask the counter for its current state, so at least that is true.
      onGap: (ref) => {
        const command: CounterCommand = { v: 1, ...ref, id: randomUUID(), at: now(), type: 'resend_state' };
        link.publish(counterTopic(ref, 'command'), JSON.stringify(command)).catch((err: unknown) => log.warn({ err }, 'resend_state not sent'));
      },
    },
    log,
    now,
  );

  // Each batch is committed before the link acknowledges any of it to the broker.
  const link = new BridgeLink(
    {
      url: opts.mqtt.url,
      clientId: opts.mqtt.clientId,
      username: opts.mqtt.username,
      password: opts.mqtt.password,
      protocolVersion: opts.mqtt.protocolVersion,
      filter: opts.mqtt.sharedGroup ? `$share/${opts.mqtt.sharedGroup}/${ALL_TOPICS}` : ALL_TOPICS,
      tls: { ca: opts.mqtt.ca },
    },
    {
      // Validated as each arrives (see Ingest.prepare), kept by the link in its place.
      arrived: (topic, payload) => ingest.prepare(topic, payload),
      async batch(deliveries) {
        // The next batch may go once this one holds its place (WriteHooks.ordered); the broker's
        // acknowledgement waits for `durable`.
        let ordered!: () => void;
        const isOrdered = new Promise<void>((resolve) => (ordered = resolve));
        const durable = ingest.handlePrepared(deliveries, ordered).then(() => {});
        // A store that fails before that rejects `durable` first.
        await Promise.race([isOrdered, durable]);
        return { durable };
      },
    },
    log,
  );
  link.on('connect', () => log.info({ url: opts.mqtt.url }, 'bridge connected to broker'));
  link.on('close', () => log.warn({ url: opts.mqtt.url }, 'bridge lost the broker; reconnecting'));
  link.on('error', (err: NodeJS.ErrnoException) => {
    // A broker certificate we can't verify is a configuration problem with a known fix.
    const untrusted = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(err.code ?? '');
    log.warn({ err: err.message, ...(untrusted && { fix: "the broker's certificate is not trusted: give the CA that signed it with --mqtt-ca-file" }) }, 'mqtt error');
  });
  // Loaded before the link starts: a counter coming online asks it for its notices.
  const notices = new NoticeBoard(opts.store, (topic, payload) => link.publish(topic, payload, { retain: true }), log, now);
  await notices.start();
  link.start();

  const http = buildHttp({
    passwordFile: opts.passwordFile,
    auth: { store: opts.store, secureCookies: opts.secureCookies },
    notices,
    store: opts.store,
    hub,
    ingest,
    mqttConnected: () => link.connected,
    log,
    dashboardDir: opts.dashboardDir,
    timeZone: opts.timeZone,
    extraRoutes: opts.extraRoutes,
    now,
    demo: await demoMark(opts.store).then((m) => m && { since: m.since }),
  });
  const address = await http.listen({ host: opts.http.host, port: opts.http.port });
  if (opts.alertChecks !== 'manual') alerts.start();
  const retention = opts.retentionDays
    ? setInterval(() => {
        const before = now() - opts.retentionDays! * 86_400_000;
        opts.store.deleteEventsBefore(before).then(
          (n) => n > 0 && log.info({ deleted: n, before }, 'retention: raw events deleted'),
          (err: unknown) => log.error({ err }, 'retention failed'),
        );
      }, 3_600_000)
    : null;
  retention?.unref();
  log.info({ address }, 'HTTP API and dashboard listening');

  return {
    url: address,
    ingest,
    hub,
    http,
    link,
    store: opts.store,
    alerts,
    notices,
    close: async () => {
      alerts.stop();
      notices.stop();
      if (retention) clearInterval(retention);
      await link.close();
      await http.close();
      await opts.store.close();
    },
  };
}
