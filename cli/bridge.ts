import path from 'node:path';
import { DEFAULT_TIME_ZONE } from '@okienko/protocol';
import { startBridge } from '@okienko/broker-bridge';
import { DASHBOARD_DIST } from '@okienko/dashboard';
import { z } from 'zod';
import { host, logLevel, mqttCa, mqttClientSettings, mqttPassword, port, type Command } from './options.ts';
import { rootLogger } from './log.ts';
import { onShutdown } from './shutdown.ts';
import { absoluteStoreUrl, loggableStoreUrl, openStore, shellArg } from './store-url.ts';

export const bridgeCommand: Command = {
  name: 'bridge',
  summary: 'the bridge alone: subscribe to an external broker, store events, serve the API and dashboard',
  settings: {
    ...mqttClientSettings('bridge'),
    clientId: { flag: 'client-id', env: 'OKIENKO_BRIDGE_CLIENT_ID', default: 'okienko-bridge', schema: z.string().min(1).max(64), help: 'MQTT client id; keep it stable so the broker holds events while the bridge is down.' },
    sharedGroup: { flag: 'shared-group', env: 'OKIENKO_BRIDGE_SHARED_GROUP', schema: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, "_" or "-"').optional(), help: 'Share the stream with other bridges in this group (MQTT shared subscription; each needs its own --client-id).' },
    store: { flag: 'store', env: 'OKIENKO_STORE', default: 'sqlite:./data/okienko.db', schema: z.string().min(1), help: 'Where to store events: sqlite:<file> or postgres://user@host:5432/db.' },
    retentionDays: { flag: 'retention-days', env: 'OKIENKO_RETENTION_DAYS', schema: z.coerce.number().int().positive().optional(), help: 'Delete raw events older than this many days, hourly (vote counts and alerts stay). Default: keep all.' },
    httpPort: { flag: 'http-port', env: 'OKIENKO_HTTP_PORT', default: '8080', schema: port, help: 'Port of the dashboard and HTTP API.' },
    host: { flag: 'host', env: 'OKIENKO_HOST', default: '127.0.0.1', schema: host, help: 'Address the HTTP server listens on.' },
    brokerPasswordFile: {
      flag: 'broker-password-file',
      env: 'OKIENKO_BROKER_PASSWORD_FILE',
      schema: z.string().min(1).optional(),
      help: "The broker's password file (as `okienko provision` and `okienko broker --password-file` use it), when this bridge may write it: admins then create a new counter's credentials on the dashboard's devices page. The embedded broker reads new entries at once; Mosquitto needs `okienko provision --mosquitto DIR` and a reload.",
    },
    timeZone: { flag: 'time-zone', env: 'OKIENKO_TIME_ZONE', default: DEFAULT_TIME_ZONE, schema: z.string().min(1), help: 'The office\'s time zone (for "today").' },
    logLevel: { flag: 'log-level', env: 'OKIENKO_LOG_LEVEL', default: 'info', schema: logLevel, help: 'Log level.' },
  },
  async run(v) {
    const log = rootLogger(v.logLevel as string);
    const bridge = await startBridge({
      mqtt: {
        url: v.mqttUrl as string,
        username: v.username as string | undefined,
        password: mqttPassword(v),
        protocolVersion: v.protocolVersion as 4 | 5,
        ca: mqttCa(v),
        clientId: v.clientId as string,
        sharedGroup: v.sharedGroup as string | undefined,
      },
      store: await openStore(v.store as string, {
        onConnectionError: (err) => log.warn({ err: err.message }, 'the database ended an idle connection; the next write opens a new one'),
      }),
      http: { host: v.host as string, port: v.httpPort as number },
      timeZone: v.timeZone as string,
      retentionDays: v.retentionDays as number | undefined,
      passwordFile: v.brokerPasswordFile ? path.resolve(v.brokerPasswordFile as string) : undefined,
      dashboardDir: DASHBOARD_DIST,
      log,
    });
    onShutdown(log, [bridge.close]);
    if ((await bridge.store.countUsers()) === 0) {
      const store = loggableStoreUrl(absoluteStoreUrl(v.store as string));
      const fix = `npx okienko user --store ${shellArg(store.url)} --username admin --role admin${store.redacted ? " (with the store's password for ****)" : ''}`;
      log.warn({ fix }, 'no dashboard users yet: create the first admin');
    }
    process.stdout.write(`okienko bridge: ${v.mqttUrl} → ${v.store}; API at ${bridge.url}\n`);
  },
};
