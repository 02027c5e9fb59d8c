import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, waitFor } from './net.ts';

/** Debian's PostgreSQL server binaries (the newest installed major version). */
export function postgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return null;
  const versions = fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin/postgres'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : null;
}

export interface Postgres {
  url: string;
  /** The postmaster's pid: the server's processes are its children (the bench meters their CPU). */
  pid: number;
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL server of the test's own: a fresh cluster in a temporary folder on a free
 * loopback port. PostgreSQL refuses to run as root, so as root it runs as the postgres user.
 */
export async function startPostgres(): Promise<Postgres> {
  const bin = postgresBin();
  if (!bin) throw new Error('PostgreSQL is missing: run `npm test` (it installs postgresql) or `apt-get install postgresql`');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const command = (cmd: string, args: string[]): [string, string[]] => (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]);
  if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
  execFileSync(...command(path.join(bin, 'initdb'), ['-D', data, '-U', 'okienko', '--auth=trust', '--no-sync', '-E', 'UTF8']), { stdio: 'ignore' });
  const port = await freePort();
  const child: ChildProcess = spawn(...command(path.join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1']), { stdio: 'ignore' });
  const url = `postgres://okienko@127.0.0.1:${port}/postgres`;
  await waitFor(
    async () => {
      const c = new pg.Client({ connectionString: url });
      try {
        await c.connect();
        return true;
      } finally {
        await c.end().catch(() => {});
      }
    },
    { timeoutMs: 30_000, intervalMs: 100, what: `PostgreSQL on port ${port}` },
  );
  // The postmaster itself (as root, runuser is between us and it).
  const pid = Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return {
    url,
    pid,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      // Signal the postmaster itself (runuser does not pass SIGINT on): fast shutdown.
      process.kill(pid, 'SIGINT');
      await exited;
    },
  };
}

/** A fresh, empty database on the server, for one test. */
export async function freshDatabase(serverUrl: string): Promise<string> {
  const name = `t_${Math.random().toString(36).slice(2, 10)}`;
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  return serverUrl.replace(/\/postgres$/, `/${name}`);
}
