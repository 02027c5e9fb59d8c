import net from 'node:net';
import { once } from 'node:events';
import fs from 'node:fs';
import { Aedes, type AedesOptions } from 'aedes';
import type { Logger } from 'pino';
import { PasswordFile, mayPublish, maySubscribe, principal, verifySecret } from './credentials.ts';
import { MAX_INBOUND_PACKET_BYTES, guardPacketSize } from './packet-guard.ts';
import { IndexedMemoryPersistence } from './persistence.ts';

/**
 * The same rules as the Mosquitto ACL `okienko provision --mosquitto` writes: only known users
 * with their secret, a counter speaks only under its own topics (its last will included) and
 * hears only its own commands, and no client id or username carries MQTT wildcards.
 */
function authHooks(passwords: PasswordFile, log: Logger): AedesOptions {
  let cache = { mtimeMs: -1, entries: new Map<string, string>() };
  const hashes = (): Map<string, string> => {
    // Re-read when the file changes, so a counter provisioned now can log in without a restart.
    const mtimeMs = fs.existsSync(passwords.file) ? fs.statSync(passwords.file).mtimeMs : 0;
    if (mtimeMs !== cache.mtimeMs) cache = { mtimeMs, entries: passwords.read() };
    return cache.entries;
  };
  const wildcard = /[+#]/;
  return {
    authenticate: (client, username, password, done) => {
      const hash = username ? hashes().get(username) : undefined;
      const ok = !!hash && !!password && !wildcard.test(client.id) && principal(username) !== null && verifySecret(password.toString(), hash);
      if (ok) (client as unknown as { okienkoUser?: string }).okienkoUser = username;
      else log.warn({ client: client.id, username }, 'refused a login');
      // 4 = bad user name or password (MQTT 3.1.1 CONNACK).
      done(ok ? null : Object.assign(new Error('bad user name or password'), { returnCode: 4 }), ok);
    },
    authorizePublish: (client, packet, done) => {
      const user = (client as unknown as { okienkoUser?: string }).okienkoUser;
      done(mayPublish(user, packet.topic) ? null : new Error(`not allowed to publish to ${packet.topic}`));
    },
    authorizeSubscribe: (client, sub, done) => {
      const user = (client as unknown as { okienkoUser?: string }).okienkoUser;
      // A refused subscription is granted nothing (SUBACK 0x80), as Mosquitto does.
      done(null, maySubscribe(user, sub.topic) ? sub : null);
    },
  };
}

export interface EmbeddedBroker {
  port: number;
  close(): Promise<void>;
}

/**
 * The embedded MQTT broker for `npm start` (aedes, MQTT 3.1.1, in-memory sessions). Offices that
 * run Mosquitto or a broker cluster point counters and `okienko bridge` at it instead.
 */
export async function startEmbeddedBroker(opts: {
  host: string;
  port: number;
  log: Logger;
  /** Counters and the bridge log in with the secrets in this password file; without it anyone may (the demo). */
  passwordFile?: string | undefined;
  /** A connection that has not logged in by then is closed (a counter logs in within milliseconds). */
  connectTimeoutMs?: number | undefined;
}): Promise<EmbeddedBroker> {
  const log = opts.log.child({ component: 'broker' });
  const aedes = await Aedes.createBroker({
    ...(opts.passwordFile ? authHooks(new PasswordFile(opts.passwordFile), log) : {}),
    connectTimeout: opts.connectTimeoutMs ?? 10_000,
    // The stock persistence, with a subscriber's backlog found by lookup instead of a scan.
    persistence: new IndexedMemoryPersistence() as unknown as AedesOptions['persistence'],
  });
  aedes.on('clientError', (client, err) => log.debug({ client: client.id, err: err.message }, 'client error'));
  aedes.on('connectionError', (_client, err) => log.debug({ err: err.message }, 'connection error'));
  const server = net.createServer((socket) => {
    // Nagle's algorithm holds a small packet until the last one is acknowledged, and the bridge
    // acknowledges (PUBACK, which carries the TCP ACK) only once its commit is on the disk: with
    // Nagle on, each message to the bridge waited for the previous one's fsync.
    socket.setNoDelay(true);
    guardPacketSize(socket, MAX_INBOUND_PACKET_BYTES, (why) => log.warn({ from: socket.remoteAddress }, `closed a connection that sent ${why}`));
    aedes.handle(socket);
  });
  // Node's default queue of connections not yet accepted is 511. A burst beyond it (a site's
  // counters reconnecting at once, or a flood of logins with wrong secrets, each a millisecond of
  // hashing on the loop) overflows it, and each dropped connection waits for the kernel's SYN
  // retries: 1, 3, 7, 15 s. 4096 is Linux's usual cap (net.core.somaxconn); a lower cap wins.
  server.listen({ port: opts.port, host: opts.host, backlog: 4096 });
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
