#!/usr/bin/env node
// `npm start` on a fresh clone: install what is missing, then `okienko start` (which builds the
// dashboard). Plain JavaScript with no dependencies, because it runs before anything is installed.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`okienko needs Node.js 20.19 or newer; this is ${process.version}. Install a current Node.js LTS.`);
  process.exit(1);
}

const marker = path.join(root, 'node_modules', '.package-lock.json');
const lock = path.join(root, 'package-lock.json');
const stale = !fs.existsSync(marker) || (fs.existsSync(lock) && fs.statSync(lock).mtimeMs > fs.statSync(marker).mtimeMs);
if (stale) {
  console.log('okienko: installing dependencies (npm ci; the first time builds better-sqlite3, about a minute) …');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('okienko: npm ci failed; see its output above.');
    process.exit(r.status ?? 1);
  }
}

// Ctrl-C reaches the whole process group; okienko stops cleanly by itself, and we wait for it.
const child = spawn(process.execPath, [path.join(root, 'cli/bin.mjs'), 'start', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 0)));
