import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { PostgresStore, projectEvent } from '@okienko/broker-bridge';
import { counterKey } from '../../../broker-bridge/store/types.ts';
import { freshDatabase } from '../../helpers/postgres.ts';
import { waitFor } from '../../helpers/net.ts';
import { REF, feedback } from '../../helpers/messages.ts';
import { recordEvent } from '../../helpers/store-writes.ts';
import { at, bothStores, times } from './stores.ts';

// PostgreSQL's own: its connections, and other bridges on the same database.

const { server: started } = bothStores();

describe('PostgreSQL store, its connections ended by the server', () => {
  it('hears of an idle connection the server ended, and writes on with a new one', async () => {
    const url = await freshDatabase(started().url);
    const ended: string[] = [];
    const store = await PostgresStore.open(url, { onConnectionError: (err) => ended.push((err as Error & { code?: string }).code ?? err.message) });
    const admin = new pg.Client({ connectionString: started().url });
    await admin.connect();
    try {
      const e1 = feedback(1, { at });
      await recordEvent(store, e1, times(at), (row) => projectEvent(row, e1, at));
      // As a restart or an administrator does: every connection of the store's database ended.
      // Unheard, the pool's 'error' would end the process (the bridge, in an office).
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [new URL(url).pathname.slice(1)]);
      await waitFor(() => ended.length > 0, { what: 'the ended connection heard of' });
      expect(ended[0]).toBe('57P01');
      const e2 = feedback(2, { at });
      expect((await recordEvent(store, e2, times(at), (row) => projectEvent(row, e2, at))).outcome).toBe('stored');
      expect(await store.listEvents({ limit: 10 })).toHaveLength(2);
    } finally {
      await admin.end();
      await store.close();
    }
  });
});

describe('PostgreSQL store, beside another bridge', () => {
  it('reads a counter\'s row only once it holds the counter\'s lock, so it sees what the holder committed', async () => {
    const url = await freshDatabase(started().url);
    const store = await PostgresStore.open(url);
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      // Another bridge holds the counter and stores its event 1 meanwhile.
      const e1 = feedback(1, { at });
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock(hashtext($1))', [counterKey(REF)]);
      const e2 = feedback(2, { at });
      const writing = store.write([{ kind: 'event', event: e2, times: times(at), project: (row) => projectEvent(row, e2, at) }]);
      // Until this store's batch is seen waiting for the lock (its query is on the server).
      const deadline = Date.now() + 10_000;
      while ((await other.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")).rowCount === 0) {
        if (Date.now() > deadline) throw new Error('the store never waited for the lock');
      }
      await other.query('INSERT INTO counters (site, counter, row) VALUES ($1, $2, $3)', [REF.site, REF.counter, JSON.stringify(projectEvent(null, e1, at))]);
      await other.query('COMMIT');
      const { results: [r] } = await writing;
      // Read before the lock was granted, the row would be missing: event 2 would look like a
      // counter's first, and the row written back would forget event 1.
      expect(r!.previous).toMatchObject({ lastEventSeq: 1 });
      expect(r!.row).toMatchObject({ lastEventSeq: 2 });
    } finally {
      await other.end();
      await store.close();
    }
  });
});
