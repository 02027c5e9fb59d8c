import path from 'node:path';
import { pino } from 'pino';
import { SqliteStore, startBridge, type Bridge } from '@okienko/broker-bridge';

/** The bridge in the test's own process, on SQLite in `dir`, HTTP on a free port. */
export function startTestBridge(mqttUrl: string, dir: string, clientId: string): Promise<Bridge> {
  return startBridge({
    mqtt: { url: mqttUrl, protocolVersion: 4, clientId },
    store: new SqliteStore(path.join(dir, 'bridge.db')),
    http: { host: '127.0.0.1', port: 0 },
    timeZone: 'Europe/Warsaw',
    log: pino({ level: 'silent' }),
  });
}
