import type { FastifyPluginAsync } from 'fastify';
import { ID_RULE, isValidId, replyError, type ProvisionedDevice } from '@okienko/protocol';
import { PasswordFile, counterUsername, principal } from '../broker/credentials.ts';
import { counterKey, type CounterStore } from '../store/types.ts';

export type DevicesDeps = { store: CounterStore; passwordFile?: string | undefined };

/** POST /api/devices (a counter's broker credentials) and GET /api/devices/credentials. */
export const devicesRoutes: FastifyPluginAsync<DevicesDeps> = async (app, deps) => {
  // A new counter's broker credentials, where this bridge keeps the broker's password file.
  app.post<{ Body: { site?: unknown; counter?: unknown; replace?: unknown } }>('/api/devices', async (req, reply) => {
    const ref = { site: String(req.body?.site ?? ''), counter: String(req.body?.counter ?? '') };
    if (!isValidId(ref.site) || !isValidId(ref.counter)) return replyError(reply, 'bad_device', `site and counter: ${ID_RULE}`);
    if (!deps.passwordFile) {
      return replyError(reply, 'no_password_file', `this bridge keeps no broker passwords: run \`npx okienko provision --site ${ref.site} --counter ${ref.counter}\` where the broker's password file is, or start the bridge with --broker-password-file`);
    }
    const username = counterUsername(ref);
    const file = new PasswordFile(deps.passwordFile);
    // A counter running with its secret would be locked out by a new one ("Bad username or
    // password" until its config is changed by hand): replaced only when asked for in so many words.
    if (file.read().has(username) && req.body?.replace !== true) {
      const row = await deps.store.getCounter(ref.site, ref.counter);
      const seen = row ? (row.online ? ' and is online with them now' : `, last seen ${new Date(row.lastSeen).toISOString()}`) : '';
      const message = `${username} has credentials already${seen}: new ones lock the counter out until its config gets them. To replace them, send again with "replace": true`;
      return replyError(reply, 'device_has_credentials', message, { online: row?.online ?? false, lastSeen: row?.lastSeen ?? null });
    }
    return reply.code(201).send({ username, password: file.set(username) });
  });

  // The counters the broker's password file lets in, and whether this bridge ever heard of each:
  // provisioned but never seen is a counter not yet set up, or set up wrong.
  app.get('/api/devices/credentials', async (_req, reply) => {
    if (!deps.passwordFile) return replyError(reply, 'no_password_file', 'this bridge keeps no broker passwords: start it with --broker-password-file to list the counters provisioned');
    const known = new Set((await deps.store.listCounters()).map((c) => counterKey(c)));
    const rows: ProvisionedDevice[] = [];
    for (const username of new PasswordFile(deps.passwordFile).read().keys()) {
      const p = principal(username);
      if (p?.kind === 'counter') rows.push({ ...p.ref, seen: known.has(counterKey(p.ref)) });
    }
    return rows.sort((a, b) => a.site.localeCompare(b.site) || a.counter.localeCompare(b.counter));
  });
};
