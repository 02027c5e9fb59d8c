import path from 'node:path';
import { ConfigError } from '@okienko/protocol';
import { PostgresStore, SqliteStore, type Store } from '@okienko/broker-bridge';

/** `sqlite:<file>` or `postgres://user@host/db` (`postgresql://` too): one Store interface either way. */
export async function openStore(url: string): Promise<Store> {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    return new SqliteStore(file === ':memory:' ? file : path.resolve(file));
  }
  if (/^postgres(ql)?:\/\//.test(url)) return PostgresStore.open(url);
  throw new ConfigError('--store / OKIENKO_STORE', [
    `unsupported store URL "${url}" — use sqlite:<file> (e.g. sqlite:./data/okienko.db) or postgres://user@host:5432/db`,
  ]);
}
