import path from 'node:path';
import { pino } from 'pino';
import { SqliteStore, startBridge, type Bridge } from '@okienko/broker-bridge';
import { signInAsNewAdmin, type Api } from './session.ts';

/** The bridge in the test's own process, on SQLite in `dir`, HTTP on a free port; `api` is signed in. */
export async function startTestBridge(mqttUrl: string, dir: string, clientId: string): Promise<Bridge & { api: Api }> {
  const bridge = await startBridge({
    mqtt: { url: mqttUrl, protocolVersion: 4, clientId },
    store: new SqliteStore(path.join(dir, 'bridge.db')),
    http: { host: '127.0.0.1', port: 0 },
    timeZone: 'Europe/Warsaw',
    log: pino({ level: 'silent' }),
  });
  return Object.assign(bridge, { api: await signInAsNewAdmin(bridge.url, bridge.store) });
}
