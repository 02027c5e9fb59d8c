import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CounterId, SiteId } from '@okienko/protocol';
import { PasswordFile, bridgeUsername, counterUsername, mosquittoAcl } from '@okienko/broker-bridge';
import type { Command } from './options.ts';

export const provisionCommand: Command = {
  name: 'provision',
  summary: 'create a counter\'s (or the bridge\'s) broker credentials, or write Mosquitto\'s password and ACL files',
  settings: {
    site: { flag: 'site', schema: SiteId.optional(), help: 'The counter\'s site id.' },
    counter: { flag: 'counter', schema: CounterId.optional(), help: 'The counter\'s id.' },
    bridge: { flag: 'bridge', boolean: true, schema: z.boolean().default(false), help: 'Create the bridge\'s credentials instead of a counter\'s.' },
    name: { flag: 'name', schema: CounterId.optional(), help: 'With --bridge: a further bridge instance\'s name (user okienko-bridge-<name>); each instance sharing the stream needs its own user.' },
    replace: { flag: 'replace', boolean: true, schema: z.boolean().default(false), help: 'Replace credentials that exist (the counter then cannot log in until its config has the new ones).' },
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
      fs.writeFileSync(path.join(dir, 'okienko.conf'), mosquittoConf(dir));
      process.stdout.write(
        `wrote passwd, acl and okienko.conf in ${dir} for ${entries.size} users.\n` +
          `Include it from mosquitto.conf (include_dir ${dir}) or copy its lines; it must be readable by the mosquitto user.\n`,
      );
      process.exit(0);
    }
    let username: string;
    if (v.bridge) username = bridgeUsername(v.name as string | undefined);
    else if (v.site && v.counter) username = counterUsername({ site: v.site as string, counter: v.counter as string });
    else {
      process.stderr.write('okienko provision: give --site and --counter (or --bridge, or --mosquitto DIR)\n');
      process.exit(2);
    }
    // As the devices page: a running counter locked out by a new secret loops on "Bad username or
    // password" until its config is changed by hand, so replacing is asked for in so many words.
    if (passwords.read().has(username) && !v.replace) {
      process.stderr.write(
        `okienko provision: ${username} has credentials already in ${passwords.file}; new ones lock it out until its config gets them.\n` +
          `To replace them, run the same command with --replace.\n`,
      );
      process.exit(1);
    }
    const password = passwords.set(username);
    if (v.json) process.stdout.write(`${JSON.stringify({ username, password })}\n`);
    else process.stdout.write(`username: ${username}\npassword: ${password}\n(shown once: only its hash is kept in ${passwords.file})\n`);
    process.exit(0);
  },
};

/** The settings okienko relies on, with why: tested by the integration suite against a real Mosquitto. */
function mosquittoConf(dir: string): string {
  return `# Written by \`okienko provision --mosquitto\`.
password_file ${path.join(dir, 'passwd')}
acl_file ${path.join(dir, 'acl')}
allow_anonymous false
# Mosquitto can't refuse a client id with wildcards; it takes the (validated) username instead.
use_username_as_clientid true
# The bridge's session and the events queued for it must survive a broker restart...
persistence true
# ...and none may be dropped while the bridge is down: the counters were told they were delivered.
max_queued_messages 0
# The bridge acknowledges a batch once it is on the disk, and the TCP ACK rides on that PUBACK:
# with Nagle's algorithm on, every next message to the bridge would wait for the last one's fsync.
set_tcp_nodelay true
# The bridge takes what arrives while a batch syncs as the next batch, and acknowledges it whole.
# Mosquitto's default of 20 unacknowledged messages per client held a 1,000-events/s stream
# back behind every slow fsync (soak p99 393-560 ms; with 1000: 176-216 ms).
max_inflight_messages 1000
`;
}
