import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CounterId, SiteId } from '@okienko/protocol';
import { BRIDGE_USER, PasswordFile, counterUsername, mosquittoAcl } from '@okienko/broker-bridge';
import type { Command } from './options.ts';

export const provisionCommand: Command = {
  name: 'provision',
  summary: 'create a counter\'s (or the bridge\'s) broker credentials, or write Mosquitto\'s password and ACL files',
  settings: {
    site: { flag: 'site', schema: SiteId.optional(), help: 'The counter\'s site id.' },
    counter: { flag: 'counter', schema: CounterId.optional(), help: 'The counter\'s id.' },
    bridge: { flag: 'bridge', boolean: true, schema: z.boolean().default(false), help: 'Create the bridge\'s credentials instead of a counter\'s.' },
    json: { flag: 'json', boolean: true, schema: z.boolean().default(false), help: 'Print the credentials as JSON ({ "username", "password" }).' },
    mosquitto: { flag: 'mosquitto', schema: z.string().min(1).optional(), help: 'Write passwd and acl for Mosquitto into this folder, for every provisioned user.' },
    passwordFile: { flag: 'password-file', env: 'OKIENKO_PASSWORD_FILE', default: './data/broker/passwd', schema: z.string().min(1), help: 'Where the hashed secrets are kept (the embedded broker reads it too).' },
  },
  async run(v) {
    const passwords = new PasswordFile(path.resolve(v.passwordFile as string));
    if (v.mosquitto) {
      const dir = path.resolve(v.mosquitto as string);
      fs.mkdirSync(dir, { recursive: true });
      const entries = passwords.read();
      fs.writeFileSync(path.join(dir, 'passwd'), [...entries].map(([u, h]) => `${u}:${h}\n`).join(''), { mode: 0o640 });
      fs.writeFileSync(path.join(dir, 'acl'), mosquittoAcl(entries.keys()), { mode: 0o640 });
      process.stdout.write(
        `wrote ${path.join(dir, 'passwd')} and ${path.join(dir, 'acl')} for ${entries.size} users.\n` +
          'In mosquitto.conf: password_file and acl_file pointing at them, allow_anonymous false, use_username_as_clientid true.\n',
      );
      process.exit(0);
    }
    let username: string;
    if (v.bridge) username = BRIDGE_USER;
    else if (v.site && v.counter) username = counterUsername({ site: v.site as string, counter: v.counter as string });
    else {
      process.stderr.write('okienko provision: give --site and --counter (or --bridge, or --mosquitto DIR)\n');
      process.exit(2);
    }
    const password = passwords.set(username);
    if (v.json) process.stdout.write(`${JSON.stringify({ username, password })}\n`);
    else process.stdout.write(`username: ${username}\npassword: ${password}\n(shown once: only its hash is kept in ${passwords.file})\n`);
    process.exit(0);
  },
};
