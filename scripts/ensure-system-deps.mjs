#!/usr/bin/env node
// npm test needs a real Mosquitto, PostgreSQL, Chromium and openssl. Where they are missing we install them
// with apt-get when we are root; otherwise we stop and print the exact command. Never a silent skip.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';

const hasPostgres = () =>
  fs.existsSync('/usr/lib/postgresql') &&
  fs.readdirSync('/usr/lib/postgresql').some((v) => fs.existsSync(`/usr/lib/postgresql/${v}/bin/postgres`));

const NEEDED = [
  { pkg: 'mosquitto', present: () => fs.existsSync('/usr/sbin/mosquitto'), why: 'integration tests run against a real MQTT broker' },
  { pkg: 'chromium', present: () => fs.existsSync('/usr/bin/chromium'), why: 'end-to-end tests run in a real browser' },
  { pkg: 'postgresql', present: hasPostgres, why: 'the PostgreSQL store is tested against a real server' },
  { pkg: 'openssl', present: () => fs.existsSync('/usr/bin/openssl'), why: 'the TLS tests make their own certificate authority' },
];

const missing = NEEDED.filter((n) => !n.present());
if (missing.length === 0) process.exit(0);

const pkgs = missing.map((m) => m.pkg);
const command = `apt-get update && apt-get install -y ${pkgs.join(' ')}`;
for (const m of missing) console.error(`okienko: ${m.pkg} is missing (${m.why}).`);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
if (!isRoot || !hasApt) {
  console.error(`\nInstall them first, then run npm test again:\n\n  sudo sh -c '${command}'\n`);
  console.error('(OKIENKO_SYSTEM_DEPENDENCY_MISSING)');
  process.exit(1);
}

console.error(`okienko: installing ${pkgs.join(', ')} with apt-get …`);
try {
  execFileSync('sh', ['-c', command], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
} catch {
  console.error(`\nokienko: apt-get failed. Run it by hand and look at its output:\n\n  ${command}\n`);
  process.exit(1);
}
const still = missing.filter((m) => !m.present());
if (still.length) {
  console.error(`okienko: still missing after install: ${still.map((m) => m.pkg).join(', ')}`);
  process.exit(1);
}
