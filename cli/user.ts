import { z } from 'zod';
import { Role } from '@okienko/protocol';
import { createUser } from '@okienko/broker-bridge';
import type { Command } from './options.ts';
import { openStore } from './store-url.ts';

export const userCommand: Command = {
  name: 'user',
  summary: 'create a dashboard user (the first admin, say) or give one a new password; prints the password once',
  settings: {
    store: { flag: 'store', env: 'OKIENKO_STORE', default: 'sqlite:./data/okienko.db', schema: z.string().min(1), help: 'The bridge\'s store: sqlite:<file> or postgres://user@host:5432/db.' },
    username: { flag: 'username', schema: z.string().regex(/^[\p{L}\p{N}._@-]{1,64}$/u, 'letters, digits, ".", "_", "@" or "-"'), help: 'The login name.', fix: 'pass --username admin' },
    role: { flag: 'role', default: 'viewer', schema: Role, help: 'viewer (looks), manager (also acknowledges alerts, sends notices) or admin (also manages users).' },
    json: { flag: 'json', boolean: true, schema: z.boolean().default(false), help: 'Print { "username", "role", "password" } as JSON.' },
  },
  async run(v) {
    const store = await openStore(v.store as string);
    const password = await createUser(store, v.username as string, v.role as Role);
    await store.close();
    const out = { username: v.username as string, role: v.role as Role, password };
    process.stdout.write(v.json ? `${JSON.stringify(out)}\n` : `username: ${out.username}\nrole: ${out.role}\npassword: ${password}\n(shown once: only its hash is kept)\n`);
    process.exit(0);
  },
};
