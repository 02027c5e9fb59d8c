import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// Plain JavaScript, run as a worker: no TypeScript loader is needed in the thread.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const checkpoint = () => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { parentPort.postMessage({ error: String(err && err.message || err) }); } };
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); checkpoint(); db.close(); parentPort.postMessage({ stopped: true }); });
`;

/**
 * Copies the WAL into the database file from a thread of its own. SQLite otherwise checkpoints
 * inside whichever commit crosses 1,000 pages: a write of megabytes and an fsync of the database
 * on the bridge's event loop, stalling every message behind it for tens of milliseconds — the
 * tail of the press → dashboard latency. A PASSIVE checkpoint from another connection runs
 * beside the writer and never blocks it; the writer starts the WAL over once it has caught up.
 */
export class SqliteCheckpointer {
  private readonly worker: Worker;

  constructor(file: string, onError: (message: string) => void, intervalMs = 1000) {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER, { eval: true, workerData: { file, module, intervalMs } });
    this.worker.on('message', (m: { error?: string }) => m.error && onError(m.error));
    this.worker.on('error', (err) => onError(err.message));
    this.worker.unref();
  }

  /** A last checkpoint, then the thread ends. */
  async stop(): Promise<void> {
    const stopped = new Promise<void>((resolve) => {
      this.worker.on('message', (m: { stopped?: boolean }) => m.stopped && resolve());
      this.worker.once('exit', () => resolve());
    });
    // Unref'd while it runs in the background; waited for now, so it must keep the process up.
    this.worker.ref();
    this.worker.postMessage('stop');
    await stopped;
    await this.worker.terminate();
  }
}
