import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Makes a file's written data durable; `close` lets go of what it holds. Injected so tests can
 * hold a sync, as a slow disk would.
 */
export type FileSync = ((file: string) => Promise<void>) & { close?(): Promise<void> };

/**
 * fdatasync of the file at `file`, and of its directory the first time a new file is seen there:
 * SQLite syncs the directory of a newly created WAL on its first sync, and so do we — a WAL whose
 * directory entry never reached the disk would be lost whole by a power cut.
 *
 * The file stays open between syncs: one trip to the thread pool per sync. Opening, checking and
 * closing it each time made four, and each trip back waits its turn on a busy event loop — in the
 * 10,000-counter soak that stretched a sync cycle until the broker's 20 unacknowledged messages
 * per cycle no longer kept up with 1,000 events/s (p50 127–419 ms against 7 ms). SQLite deletes
 * the WAL only when its last connection closes, never while the store's own is open; should the
 * file at the path be another all the same (its link count gone to 0), it is opened again,
 * checked at most once a second.
 */
export function fileSync(now: () => number = Date.now): FileSync {
  let handle: fs.FileHandle | null = null;
  let openedFor = '';
  let checkedAt = 0;
  const reopen = async (file: string): Promise<fs.FileHandle> => {
    await handle?.close().catch(() => {});
    handle = null;
    const h = await fs.open(file, 'r');
    const dir = await fs.open(path.dirname(file), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    [handle, openedFor, checkedAt] = [h, file, now()];
    return h;
  };
  const sync = async (file: string): Promise<void> => {
    let h = handle && openedFor === file ? handle : await reopen(file);
    if (now() - checkedAt >= 1000) {
      checkedAt = now();
      if ((await h.stat()).nlink === 0) h = await reopen(file);
    }
    await h.datasync();
  };
  return Object.assign(sync, {
    close: async () => {
      await handle?.close().catch(() => {});
      handle = null;
    },
  });
}

/**
 * SQLite's `synchronous=FULL` in WAL mode, with the sync moved off the event loop and shared.
 *
 * FULL means one thing in WAL mode: the WAL is synced at each commit. better-sqlite3 does that
 * sync inside the commit, on the bridge's only thread, so for the 2–5 ms of an fsync nothing
 * else moves: messages wait to be read, the live stream waits to be told. Here the connection
 * runs at `synchronous=NORMAL` (SQLite itself syncs the WAL before each checkpoint, the database
 * after it, and a restarted WAL's header) and the commit's own sync is this: an fdatasync of the
 * WAL on libuv's thread pool after the commit. Whoever promises durability — the broker's
 * acknowledgement, an API answer — waits for `flush()`; what is only shown (the live stream) goes
 * out at the commit. A power cut before the sync loses no acknowledged event: the broker still
 * holds it and sends it again.
 *
 * Group commit: commits that arrive while a sync runs share the next one; one sync is running at
 * a time. A sync that fails leaves the store failed (`failure`): after a failed fsync, Linux may
 * have dropped the dirty pages, and nobody can say what is on the disk.
 */
export class WalSync {
  failure: Error | null = null;
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;

  constructor(
    private readonly file: string,
    private readonly sync: FileSync = fileSync(),
  ) {}

  /** Resolves once everything committed before the call is on the disk. */
  flush(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (!this.running) {
      this.running = this.run().finally(() => (this.running = null));
      return this.running;
    }
    // The running sync may have started before this commit: one more after it covers this and
    // every commit until it starts.
    this.next ??= this.running
      .catch(() => {})
      .then(() => {
        this.next = null;
        return this.flush();
      });
    return this.next;
  }

  /** Waits for the syncs under way (close: the WAL may go once the connection closes). */
  async idle(): Promise<void> {
    while (this.running || this.next) await (this.next ?? this.running)!.catch(() => {});
  }

  /** After the last sync: lets go of the WAL's file. */
  async close(): Promise<void> {
    await this.idle();
    await this.sync.close?.();
  }

  private async run(): Promise<void> {
    try {
      await this.sync(this.file);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      this.failure = new Error(
        `the disk did not confirm a write of ${this.file} (${e.code ?? e.message}): nothing is acknowledged until the bridge is restarted after the disk is checked`,
        { cause: err },
      );
      throw this.failure;
    }
  }
}
