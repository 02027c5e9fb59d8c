import path from 'node:path';
import { z } from 'zod';
import { startEmbeddedBroker } from '@okienko/broker-bridge';
import { host, logLevel, port, positiveInt, type Command } from './options.ts';
import { rootLogger } from './log.ts';
import { onShutdown } from './shutdown.ts';

export const brokerCommand: Command = {
  name: 'broker',
  summary: 'the embedded MQTT broker alone (aedes; for demos and benchmarks — use Mosquitto in production)',
  settings: {
    mqttPort: { flag: 'mqtt-port', env: 'OKIENKO_MQTT_PORT', default: '1883', schema: port, help: 'Port to listen on.' },
    host: { flag: 'host', env: 'OKIENKO_HOST', default: '127.0.0.1', schema: host, help: 'Address to listen on.' },
    passwordFile: { flag: 'password-file', env: 'OKIENKO_PASSWORD_FILE', schema: z.string().min(1).optional(), help: 'Require logins with the secrets in this file (written by `okienko provision`); without it anyone may connect (demo only).' },
    connectTimeoutMs: { flag: 'connect-timeout-ms', env: 'OKIENKO_CONNECT_TIMEOUT_MS', default: '10000', schema: positiveInt, help: 'Close a connection that has not logged in within this many milliseconds (slow or idle sockets).' },
    logLevel: { flag: 'log-level', env: 'OKIENKO_LOG_LEVEL', default: 'info', schema: logLevel, help: 'Log level.' },
  },
  async run(v) {
    const log = rootLogger(v.logLevel as string);
    const passwordFile = v.passwordFile ? path.resolve(v.passwordFile as string) : undefined;
    const broker = await startEmbeddedBroker({ host: v.host as string, port: v.mqttPort as number, log, passwordFile, connectTimeoutMs: v.connectTimeoutMs as number });
    if (!passwordFile) log.warn('anonymous access is on: anyone who reaches this port may speak for any counter (demo only; use --password-file)');
    onShutdown(log, [broker.close]);
    process.stdout.write(`okienko broker: mqtt://${v.host as string}:${broker.port}\n`);
  },
};
