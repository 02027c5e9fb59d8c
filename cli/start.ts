import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_TIME_ZONE } from '@okienko/protocol';
import { PasswordFile, bridgeUsername, counterUsername, createUser, startBridge, startEmbeddedBroker, SqliteStore } from '@okienko/broker-bridge';
import { buildDashboard, DASHBOARD_DIST } from '@okienko/dashboard';
import { DemoActivity, SimFleet, demoCounters, registerSimRoutes, seededRandom } from '@okienko/sim';
import { prepareDemo } from './demo.ts';
import { shellArg } from './store-url.ts';
import { host, logLevel, port, positiveInt, type Command } from './options.ts';
import { rootLogger } from './log.ts';
import { onShutdown } from './shutdown.ts';
import { VERSION } from './version.ts';

export const startCommand: Command = {
  name: 'start',
  summary: 'the whole system on one machine: embedded broker, bridge on SQLite, dashboard, simulated counters',
  settings: {
    httpPort: { flag: 'http-port', env: 'OKIENKO_HTTP_PORT', default: '8080', schema: port, help: 'Port of the dashboard and HTTP API.', fix: 'use a free TCP port, e.g. 8080' },
    mqttPort: { flag: 'mqtt-port', env: 'OKIENKO_MQTT_PORT', default: '1883', schema: port, help: 'Port of the embedded MQTT broker.', fix: 'use a free TCP port, e.g. 1883' },
    host: { flag: 'host', env: 'OKIENKO_HOST', default: '127.0.0.1', schema: host, help: 'Address to listen on (0.0.0.0 to let real counters on the network in).' },
    dataDir: { flag: 'data-dir', env: 'OKIENKO_DATA_DIR', default: './data', schema: z.string().min(1), help: 'Folder for the database and the simulated counters\' outboxes.' },
    simCounters: { flag: 'sim-counters', env: 'OKIENKO_SIM_COUNTERS', default: '6', schema: z.coerce.number().int().min(0).max(2000), help: 'How many simulated counters to run (split over two sites).', fix: 'a whole number from 0 to 2000' },
    awayCommitMs: { flag: 'away-commit-ms', env: 'OKIENKO_AWAY_COMMIT_MS', default: '4000', schema: positiveInt, help: 'Pause after the last "away" press that commits the chosen preset.' },
    keepalive: { flag: 'keepalive', env: 'OKIENKO_KEEPALIVE_S', default: '30', schema: positiveInt, help: 'MQTT keepalive of the simulated counters, seconds.' },
    demo: {
      flag: 'demo',
      env: 'OKIENKO_DEMO',
      default: 'true',
      schema: z.enum(['true', 'false']).transform((v) => v === 'true'),
      help: 'A demo office that lives: four weeks of made-up history in a fresh data folder, and simulated clerks and residents at the counters. false: counters that only do what you click.',
      fix: 'true or false',
    },
    logLevel: { flag: 'log-level', env: 'OKIENKO_LOG_LEVEL', default: 'warn', schema: logLevel, help: 'Log level (logs are JSON lines on stderr; info shows every connect and stop).' },
  },
  async run(v) {
    const log = rootLogger(v.logLevel as string);
    const dataDir = path.resolve(v.dataDir as string);
    const bindHost = v.host as string;
    await buildDashboard();
    // Logins on, even in the demo: no one on the network speaks for a counter, and a real counter
    // is added as in production (the devices page or `okienko provision`). The bridge and the
    // simulated counters get new secrets each start; what was provisioned for real counters stays.
    const passwordFile = path.join(dataDir, 'broker', 'passwd');
    const counters = demoCounters(v.simCounters as number);
    const secrets = new PasswordFile(passwordFile).setMany([bridgeUsername(), ...counters.map((c) => counterUsername(c.ref))]);
    const broker = await startEmbeddedBroker({ host: bindHost, port: v.mqttPort as number, log, passwordFile });
    const mqttUrl = `mqtt://127.0.0.1:${broker.port}`;
    let fleet: SimFleet | null = null;
    const storeFile = path.join(dataDir, 'okienko.db');
    const store = new SqliteStore(storeFile);
    // Every command the log suggests names this store and this password file by their absolute
    // paths: run from elsewhere, a bare `npx okienko user` made a new ./data/okienko.db.
    const userHint = (username: string, role: string): string => `npx okienko user --store ${shellArg(`sqlite:${storeFile}`)} --username ${username} --role ${role}`;
    // The demo's admin, made on the first start only; its password is printed this once.
    const demoAdmin = (await store.countUsers()) === 0 ? await createUser(store, 'admin', 'admin') : null;
    // Before the bridge starts, so it finds the history in place and the store marked (demo.ts).
    const past = v.demo ? await prepareDemo(store, { now: Date.now(), timeZone: DEFAULT_TIME_ZONE, counters: counters.length, log }) : undefined;
    const bridge = await startBridge({
      mqtt: { url: mqttUrl, protocolVersion: 4, clientId: 'okienko-bridge', username: bridgeUsername(), password: secrets.get(bridgeUsername())! },
      store,
      http: { host: bindHost, port: v.httpPort as number },
      timeZone: DEFAULT_TIME_ZONE,
      dashboardDir: DASHBOARD_DIST,
      passwordFile,
      // The fleet starts after the server (its panels need the address); routes look it up per request.
      extraRoutes: (app) => registerSimRoutes(app, { get: (s, c) => fleet?.get(s, c), list: () => fleet?.list() ?? [] }, DASHBOARD_DIST),
      log,
    });
    const httpPort = bridge.http.server.address();
    const shownHost = bindHost === '0.0.0.0' ? '127.0.0.1' : bindHost;
    const base = `http://${shownHost}:${typeof httpPort === 'object' && httpPort ? httpPort.port : v.httpPort}`;
    fleet = await SimFleet.start({
      counters,
      login: (ref) => ({ username: counterUsername(ref), password: secrets.get(counterUsername(ref))! }),
      dataDir: path.join(dataDir, 'sim'),
      // The office's counters listen to their site as real ones do (device config `peers`), so a notice names a colleague who is there.
      link: { url: mqttUrl, keepaliveS: v.keepalive as number, protocolVersion: 4, reconnectMinMs: 500, reconnectMaxMs: 10_000, window: 32, peers: true },
      panelBaseUrl: base,
      awayCommitMs: v.awayCommitMs as number,
      log,
      version: VERSION,
      past,
    });
    const running = fleet;
    const seed = Math.floor(Math.random() * 2 ** 31);
    const activity = v.demo ? new DemoActivity({ counters: running.list(), random: seededRandom(seed) }).start() : null;
    if (activity) log.info({ seed }, 'demo office at work');
    // Stopped in reverse: the clerks first, then the counters, the bridge and the broker.
    onShutdown(log, [broker.close, bridge.close, () => running.stop(), async () => activity?.stop()]);
    process.stdout.write(
      [
        '',
        'okienko is running.',
        `  Dashboard:       ${base}/`,
        demoAdmin
          ? `  Sign in as:      admin / ${demoAdmin}   (shown this once; \`${userHint('admin', 'admin')}\` sets a new one)`
          : `  Sign in as:      the users you made (\`${userHint('NAME', 'admin|manager|viewer')}\`)`,
        `  Lobby board:     ${base}/lobby  (for a hall screen; no login)`,
        `  Virtual panels:  ${base}/sim  (${v.simCounters} simulated counters${activity ? ', clerks and residents at work: a counter you press is yours for 3 minutes' : ''})`,
        ...(past ? ["  Demo data:       four weeks of made-up history, marked as the demo's on every page (a fresh --data-dir starts an office's own)"] : []),
        `  MQTT broker:     mqtt://${shownHost}:${broker.port}  (logins on: add a counter on the devices page, or \`npx okienko provision --password-file ${shellArg(passwordFile)} --site S --counter C\`)`,
        `  Data:            ${dataDir}`,
        'Press Ctrl-C to stop.',
        '',
      ].join('\n'),
    );
  },
};
