import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { PostgresStore, SqliteStore, type Store } from '@okienko/broker-bridge';
import { counterKey, type EventStore } from '../../../broker-bridge/store/types.ts';
import { freshDatabase, startPostgres, type Postgres } from '../../helpers/postgres.ts';
import { REF } from '../../helpers/messages.ts';

// The store contract, one file per part of it (broker-bridge/store/contract/), each run against
// both stores: SQLite in a temporary file, and a real PostgreSQL the file starts for itself.

export interface Opened {
  store: Store;
  /** The same data opened again: a restart, or another bridge on the same store. */
  reopen(): Promise<Store>;
}

export interface Stores {
  /** Each store by name, opened on a fresh database: for `describe.each(Object.entries(stores))`. */
  stores: Record<'SQLite' | 'PostgreSQL', () => Promise<Opened>>;
  /** The file's PostgreSQL server (started before its first test). */
  server(): Postgres;
}

/** Starts a PostgreSQL server for the calling test file (stopped after it) and opens stores on it. */
export function bothStores(): Stores {
  let server: Postgres | undefined;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => server?.stop());
  const running = (): Postgres => {
    if (!server) throw new Error('PostgreSQL is not started yet: open stores inside a test');
    return server;
  };
  return {
    server: running,
    stores: {
      SQLite: async () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-store-')), 'okienko.db');
        return { store: new SqliteStore(file), reopen: async () => new SqliteStore(file) };
      },
      PostgreSQL: async () => {
        const url = await freshDatabase(running().url);
        return { store: await PostgresStore.open(url), reopen: () => PostgresStore.open(url) };
      },
    },
  };
}

export const at = Date.UTC(2026, 10, 20, 9, 0);
/** REF's votes per face since `from`. */
export const votesAt = async (store: Pick<EventStore, 'feedbackCounts'>, from: number) => (await store.feedbackCounts([REF], from)).get(counterKey(REF));
export const times = (t: number) => ({ receivedAt: t + 5, effectiveAt: t });
