import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { counterTopic } from '@okienko/protocol';
import { SqliteStore } from '@okienko/broker-bridge';
import { Ingest } from '../../broker-bridge/ingest/ingest.ts';
import { WalSync, fileSync } from '../../broker-bridge/store/wal-sync.ts';
import { REF, buf, feedback } from '../helpers/messages.ts';
import { heldDisk } from '../helpers/held-disk.ts';
import { recordEvent } from '../helpers/store-writes.ts';

const settled = async (p: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void p.then(() => (done = true), () => (done = true));
  // Enough turns for any promise chain here to settle; no time passes.
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  return done;
};

const tmpDb = (): string => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-wal-')), 'b.db');
const eventTopic = counterTopic(REF, 'event');

describe('WalSync: group commit off the event loop', () => {
  it('resolves a flush only after a sync that started after it; flushes meanwhile share the next one', async () => {
    const disk = heldDisk();
    const wal = new WalSync('/x/b.db-wal', disk.sync);
    const first = wal.flush();
    const during = [wal.flush(), wal.flush(), wal.flush()];
    expect(disk.calls).toHaveLength(1);
    expect(await settled(first)).toBe(false);
    disk.release();
    expect(await settled(first)).toBe(true);
    // The three came while the first sync ran, so it may not cover them: one more sync, shared.
    expect(disk.calls).toHaveLength(2);
    expect(await settled(Promise.all(during))).toBe(false);
    disk.release();
    expect(await settled(Promise.all(during))).toBe(true);
    expect(disk.calls).toEqual(['/x/b.db-wal', '/x/b.db-wal']);
  });

  it('stays failed after a failed sync: nothing more is promised durable', async () => {
    const wal = new WalSync('/x/b.db-wal', () => Promise.reject(Object.assign(new Error('EIO'), { code: 'EIO' })));
    await expect(wal.flush()).rejects.toThrow(/did not confirm a write of \/x\/b.db-wal \(EIO\)/);
    await expect(wal.flush()).rejects.toThrow(/restarted after the disk is checked/);
  });

  it('syncs a real file, and once a second checks it is still the one at the path', async () => {
    const file = tmpDb();
    fs.writeFileSync(file, 'a');
    let now = 0;
    const sync = fileSync(() => now);
    await sync(file);
    fs.rmSync(file);
    // Within the second the open file is synced (SQLite never deletes the WAL under an open store).
    await sync(file);
    now = 1000;
    // Checked: gone from the path, so opened again — and here there is nothing to open.
    await expect(sync(file)).rejects.toThrow(/ENOENT/);
    fs.writeFileSync(file, 'b');
    await sync(file);
    await sync.close?.();
  });
});

describe('SQLite FULL: committed at once, durable after the WAL sync', () => {
  it('shows a batch at its commit and resolves it only once the WAL is synced', async () => {
    const file = tmpDb();
    const disk = heldDisk();
    const store = new SqliteStore(file, { synchronous: 'FULL', syncWal: disk.sync });
    const live: number[] = [];
    const ingest = new Ingest(store, { onEvent: (e) => live.push(e.seq), onCounter: () => {} }, pino({ level: 'silent' }));
    const handled = ingest.handleBatch([1, 2, 3].map((seq) => ({ topic: eventTopic, payload: buf(feedback(seq)) })));
    expect(await settled(handled)).toBe(false);
    // Committed: shown live and readable, while the disk has not confirmed it.
    expect(live).toEqual([1, 2, 3]);
    expect((await store.getCounter(REF.site, REF.counter))?.lastEventSeq).toBe(3);
    expect(disk.calls).toEqual([`${file}-wal`]);
    expect(fs.existsSync(`${file}-wal`)).toBe(true);
    disk.release();
    expect((await handled).map((o) => o.kind)).toEqual(['stored', 'stored', 'stored']);
    await store.close();
  });

  it('makes every write of the API wait for the disk, not only events', async () => {
    const disk = heldDisk();
    const store = new SqliteStore(tmpDb(), { synchronous: 'FULL', syncWal: disk.sync });
    const writes = [
      store.addNotice({ id: 'n1', site: 'ratusz', counter: null, text: 'Przerwa', from: 'kierownik', at: 1, until: 2, withdrawnAt: null }),
      store.putUser({ username: 'anna', passwordHash: 'x', role: 'manager', createdAt: 1 }),
      store.raiseAlert({ key: 'k', kind: 'offline', site: 'ratusz', counter: 'okienko-1', message: 'm', facts: {} }, 1),
      store.deleteEventsBefore(0),
    ];
    for (const w of writes) expect(await settled(w)).toBe(false);
    while (!(await settled(Promise.all(writes)))) disk.release();
    expect(disk.calls.length).toBeLessThanOrEqual(2);
    await store.close();
  });

  it('refuses every write after a failed sync, with the reason', async () => {
    const store = new SqliteStore(tmpDb(), { synchronous: 'FULL', syncWal: () => Promise.reject(Object.assign(new Error('EIO'), { code: 'EIO' })) });
    await expect(recordEvent(store, feedback(1), { receivedAt: 1, effectiveAt: 1 }, (r) => r)).rejects.toThrow(/EIO/);
    await expect(recordEvent(store, feedback(2), { receivedAt: 1, effectiveAt: 1 }, (r) => r)).rejects.toThrow(/did not confirm/);
    await store.close();
  });

  it('does not sync at NORMAL: a crash of the bridge is survived by the OS, a power cut is not', async () => {
    const disk = heldDisk();
    const store = new SqliteStore(tmpDb(), { synchronous: 'NORMAL', syncWal: disk.sync });
    await recordEvent(store, feedback(1), { receivedAt: 1, effectiveAt: 1 }, (r) => r);
    expect(disk.calls).toEqual([]);
    await store.close();
  });
});
