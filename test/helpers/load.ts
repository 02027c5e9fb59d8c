import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { MemoryReport, SimFleetRow } from '@okienko/protocol';
import { freePort, waitFor } from './net.ts';
import { okienko, type Proc } from './okienko.ts';
import { stopWithin, type DeliveryCount } from './faults.ts';


/**
 * Thousands of simulated counters from one machine: `okienko sim` processes of up to 2,000
 * counters each, every process with sites of its own (load1a, load1b, load2a…), all pressing
 * at random at a rate the test sets.
 */
export class LoadFleet {
  private constructor(
    readonly procs: { proc: Proc; base: string }[],
    readonly total: number,
  ) {}

  static async start(opts: { mqttUrl: string; counters: number; perProcess?: number; pressesPerMinute?: number; keepaliveS?: number; dataDir?: string; env?: NodeJS.ProcessEnv }): Promise<LoadFleet> {
    const per = opts.perProcess ?? 2000;
    const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-load-'));
    const procs: { proc: Proc; base: string }[] = [];
    for (let i = 0, left = opts.counters; left > 0; i++, left -= per) {
      const port = await freePort();
      const proc = okienko([
        'sim',
        '--mqtt-url', opts.mqttUrl,
        '--counters', String(Math.min(per, left)),
        '--sites', `load${i + 1}a,load${i + 1}b`,
        '--data-dir', path.join(dataDir, `p${i + 1}`),
        '--http-port', String(port),
        '--keepalive', String(opts.keepaliveS ?? 30),
        '--presses-per-minute', String(opts.pressesPerMinute ?? 0),
      ], { OKIENKO_LOG_LEVEL: process.env.OKIENKO_SIM_LOG ?? 'warn', ...opts.env });
      procs.push({ proc, base: `http://127.0.0.1:${port}` });
    }
    const fleet = new LoadFleet(procs, opts.counters);
    await waitFor(async () => (await fleet.rows().catch(() => [])).filter((r) => r.linkUp).length === opts.counters, {
      timeoutMs: 60_000 + opts.counters * 20,
      intervalMs: 500,
      what: () => `${opts.counters} counters connected; ${procs.map((p) => p.proc.output().slice(-500)).join('\n')}`,
    });
    return fleet;
  }

  async rows(): Promise<SimFleetRow[]> {
    return (await Promise.all(this.procs.map(async (p) => (await fetch(`${p.base}/sim/api/fleet`)).json() as Promise<SimFleetRow[]>))).flat();
  }

  /** Change the press rate of every process (0 stops pressing); the presses made so far. */
  async setRate(pressesPerMinute: number): Promise<{ presses: number; refused: number }> {
    const stats = await Promise.all(
      this.procs.map(async (p) => (await fetch(`${p.base}/sim/api/load`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pressesPerMinute }) })).json() as Promise<{ presses: number; refused: number }>),
    );
    return stats.reduce((a, s) => ({ presses: a.presses + s.presses, refused: a.refused + s.refused }), { presses: 0, refused: 0 });
  }

  /** Each process's memory (`/sim/api/memory`; after a full collection when run with --expose-gc). */
  async memory(): Promise<MemoryReport[]> {
    return Promise.all(this.procs.map(async (p) => (await fetch(`${p.base}/sim/api/memory`)).json() as Promise<MemoryReport>));
  }

  pids(): number[] {
    return this.procs.map((p) => p.proc.child.pid!);
  }

  async stop(): Promise<void> {
    await Promise.all(this.procs.map((p) => stopWithin(p.proc, 'simulated counters', 60_000)));
  }
}

/** What the counters numbered against what a bridge's SQLite store holds, counted in the database. */
export function countInStore(rows: readonly SimFleetRow[], storeFile: string): DeliveryCount {
  const db = new Database(storeFile, { readonly: true, fileMustExist: true });
  try {
    const stored = new Map(
      (db.prepare('SELECT site, counter, count(*) AS n, count(DISTINCT seq) AS d, max(seq) AS top FROM events GROUP BY site, counter').all() as { site: string; counter: string; n: number; d: number; top: number }[]).map((r) => [`${r.site}/${r.counter}`, r]),
    );
    const count: DeliveryCount = { counters: rows.length, confirmed: 0, stored: 0, lost: 0, doubled: 0, forgotten: 0 };
    for (const r of rows) {
      const s = stored.get(`${r.site}/${r.counter}`) ?? { n: 0, d: 0, top: 0 };
      count.confirmed += r.lastSeq;
      count.stored += s.n;
      count.doubled += s.n - s.d;
      count.lost += Math.max(0, r.lastSeq - s.d);
      // A number stored above what the counter's outbox now says: the outbox forgot it.
      count.forgotten += Math.max(0, s.top - r.lastSeq);
    }
    return count;
  } finally {
    db.close();
  }
}

/** Resident memory of a process, in MB (Linux). */
export const rssMb = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
