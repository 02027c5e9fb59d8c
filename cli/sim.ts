import path from 'node:path';
import Fastify from 'fastify';
import fastifyStatic from '@fastify/static';
import { z } from 'zod';
import { SimLoadRequest, replyError, type ApiError, type SimLoadStats } from '@okienko/protocol';
import { buildDashboard, DASHBOARD_DIST } from '@okienko/dashboard';
import { errorsPlugin } from '@okienko/broker-bridge/http-errors';
import { SimFleet, demoCounters, registerSimRoutes, startLoad } from '@okienko/sim';
import { host, logLevel, mqttCa, mqttClientSettings, mqttPassword, port, positiveInt, type Command } from './options.ts';
import { rootLogger } from './log.ts';
import { onShutdown } from './shutdown.ts';
import { VERSION } from './version.ts';

export const simCommand: Command = {
  name: 'sim',
  summary: 'simulated counters against any MQTT broker, with their virtual panels',
  settings: {
    ...mqttClientSettings('simulated counters'),
    counters: { flag: 'counters', env: 'OKIENKO_SIM_COUNTERS', default: '6', schema: z.coerce.number().int().min(1).max(2000), help: 'How many counters (split over the sites); for more, run several processes with --sites of their own.' },
    sites: { flag: 'sites', env: 'OKIENKO_SIM_SITES', default: 'ratusz,filia', schema: z.string().regex(/^[a-z0-9-]+(,[a-z0-9-]+)*$/, 'site ids separated by commas, e.g. ratusz,filia'), help: 'The sites the counters are split over.' },
    pressesPerMinute: { flag: 'presses-per-minute', env: 'OKIENKO_SIM_PRESSES_PER_MINUTE', default: '0', schema: z.coerce.number().min(0).max(600), help: 'Press buttons at random, this many times a minute per counter on average (load and soak runs).' },
    dataDir: { flag: 'data-dir', env: 'OKIENKO_DATA_DIR', default: './data', schema: z.string().min(1), help: 'Folder for the counters\' outboxes and state.' },
    httpPort: { flag: 'http-port', env: 'OKIENKO_SIM_HTTP_PORT', default: '8081', schema: port, help: 'Port of the virtual panels.' },
    host: { flag: 'host', env: 'OKIENKO_HOST', default: '127.0.0.1', schema: host, help: 'Address the panels listen on.' },
    keepalive: { flag: 'keepalive', env: 'OKIENKO_KEEPALIVE_S', default: '30', schema: positiveInt, help: 'MQTT keepalive, seconds (the broker declares a counter dead after 1.5×).' },
    awayCommitMs: { flag: 'away-commit-ms', env: 'OKIENKO_AWAY_COMMIT_MS', default: '4000', schema: positiveInt, help: 'Pause after the last "away" press that commits the chosen preset.' },
    logLevel: { flag: 'log-level', env: 'OKIENKO_LOG_LEVEL', default: 'info', schema: logLevel, help: 'Log level.' },
  },
  async run(v) {
    const log = rootLogger(v.logLevel as string);
    await buildDashboard();
    const app = Fastify();
    // The panels' API answers errors in the bridge's one shape (protocol/api-errors.ts).
    await app.register(errorsPlugin, { log });
    let fleet: SimFleet | null = null;
    registerSimRoutes(app, { get: (s, c) => fleet?.get(s, c), list: () => fleet?.list() ?? [] }, DASHBOARD_DIST);
    await app.register(fastifyStatic, { root: DASHBOARD_DIST, prefix: '/' });
    let load: ReturnType<typeof startLoad> | null = null;
    // Load and fault runs change the rate (0 stops it) without restarting thousands of counters.
    app.post('/sim/api/load', async (req, reply): Promise<SimLoadStats | ApiError> => {
      const body = SimLoadRequest.safeParse(req.body);
      if (!fleet) return replyError(reply, 'sim_starting', 'the counters are still starting');
      if (!body.success) return replyError(reply, 'bad_load', 'pressesPerMinute: a number from 0 to 600');
      const before = load?.stats ?? { presses: 0, refused: 0 };
      load?.stop();
      load = body.data.pressesPerMinute > 0 ? startLoad(fleet, body.data.pressesPerMinute) : null;
      return before;
    });
    const address = await app.listen({ host: v.host as string, port: v.httpPort as number });
    fleet = await SimFleet.start({
      counters: demoCounters(v.counters as number, (v.sites as string).split(',')),
      dataDir: path.resolve(v.dataDir as string, 'sim'),
      link: {
        url: v.mqttUrl as string,
        username: v.username as string | undefined,
        password: mqttPassword(v),
        keepaliveS: v.keepalive as number,
        protocolVersion: v.protocolVersion as 4 | 5,
        ca: mqttCa(v),
        reconnectMinMs: 250,
        reconnectMaxMs: 5_000,
        window: 32,
      },
      panelBaseUrl: address,
      awayCommitMs: v.awayCommitMs as number,
      log,
      version: VERSION,
    });
    const running = fleet;
    if ((v.pressesPerMinute as number) > 0) load = startLoad(fleet, v.pressesPerMinute as number);
    // Stopped last to first: the load, then the counters (they flush), then the panels.
    onShutdown(log, [() => app.close(), () => running.stop(), async () => load?.stop()]);
    process.stdout.write(`okienko sim: ${v.counters} counters on ${v.mqttUrl}; panels at ${address}/sim\n`);
  },
};
