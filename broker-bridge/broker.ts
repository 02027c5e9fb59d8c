import net from 'node:net';
import { once } from 'node:events';
import { Aedes } from 'aedes';
import type { Logger } from 'pino';

export interface EmbeddedBroker {
  port: number;
  close(): Promise<void>;
}

/**
 * The embedded MQTT broker for `npm start` (aedes, MQTT 3.1.1, in-memory sessions). Offices that
 * run Mosquitto or a broker cluster point counters and `okienko bridge` at it instead.
 */
export async function startEmbeddedBroker(opts: { host: string; port: number; log: Logger }): Promise<EmbeddedBroker> {
  const aedes = await Aedes.createBroker();
  const log = opts.log.child({ component: 'broker' });
  aedes.on('clientError', (client, err) => log.debug({ client: client.id, err: err.message }, 'client error'));
  aedes.on('connectionError', (_client, err) => log.debug({ err: err.message }, 'connection error'));
  const server = net.createServer(aedes.handle);
  server.listen(opts.port, opts.host);
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  log.info({ port }, 'embedded MQTT broker listening');
  return {
    port,
    close: async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      server.close();
      // Counters keep their sockets open; end them so the process can exit.
      server.unref();
    },
  };
}
