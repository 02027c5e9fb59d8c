import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { Role } from '@okienko/protocol';
import { createUser, removeUser } from '@okienko/broker-bridge';
import type { Command } from './options.ts';
import { absoluteStoreUrl, loggableStoreUrl, openStore, sqliteFile } from './store-url.ts';

export const userCommand: Command = {
  name: 'user',
  summary: 'create a dashboard user (the first admin, say), give one a new password or role (their sessions end), or --remove one; prints the password once',
  settings: {
    store: { flag: 'store', env: 'OKIENKO_STORE', default: 'sqlite:./data/okienko.db', schema: z.string().min(1), help: 'The bridge\'s store: sqlite:<file> or postgres://user@host:5432/db.' },
    username: { flag: 'username', schema: z.string().regex(/^[\p{L}\p{N}._@-]{1,64}$/u, 'letters, digits, ".", "_", "@" or "-"'), help: 'The login name.', fix: 'pass --username admin' },
    role: { flag: 'role', default: 'viewer', schema: Role, help: 'viewer (looks), manager (also acknowledges alerts, sends notices) or admin (also manages users).' },
    remove: { flag: 'remove', boolean: true, schema: z.boolean().default(false), help: 'Remove the user instead: their sessions end on every bridge at their next request.' },
    json: { flag: 'json', boolean: true, schema: z.boolean().default(false), help: 'Print { "username", "role", "password" } as JSON.' },
  },
  async run(v) {
    // Said every time, by its absolute path: run from another folder, the default ./data/okienko.db
    // is another, empty store, and its user could never sign in to the bridge.
    const where = loggableStoreUrl(absoluteStoreUrl(v.store as string)).url;
    const file = sqliteFile(v.store as string);
    const isNew = file !== null && !fs.existsSync(path.resolve(file));
    const store = await openStore(v.store as string);
    if (isNew) {
      process.stderr.write(
        `okienko user: ${where} did not exist: this made a new, empty store there.\n` +
          `If the bridge keeps its store elsewhere (its --store or OKIENKO_STORE), run this again with --store set to that.\n`,
      );
    }
    if (v.remove) {
      const removed = await removeUser(store, v.username as string);
      await store.close();
      if (!removed) {
        process.stderr.write(`okienko user: there is no user "${v.username as string}" in ${where} — check the name and --store\n`);
        process.exit(1);
      }
      process.stdout.write(v.json ? `${JSON.stringify({ username: v.username, removed: true })}\n` : `removed ${v.username as string}; their sessions have ended\n`);
      process.exit(0);
    }
    const password = await createUser(store, v.username as string, v.role as Role);
    await store.close();
    const out = { username: v.username as string, role: v.role as Role, password };
    process.stdout.write(v.json ? `${JSON.stringify(out)}\n` : `username: ${out.username}\nrole: ${out.role}\npassword: ${password}\n(shown once: only its hash is kept, in ${where})\n`);
    process.exit(0);
  },
};
