import path from 'node:path';
import { ConfigError } from '@okienko/protocol';
import { SqliteStore, type Store } from '@okienko/broker-bridge';

/** `sqlite:<file>` (default under the data folder); PostgreSQL follows behind the same Store interface. */
export function openStore(url: string): Store {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    return new SqliteStore(file === ':memory:' ? file : path.resolve(file));
  }
  throw new ConfigError('--store / OKIENKO_STORE', [
    `unsupported store URL "${url}" — use sqlite:<file>, e.g. sqlite:./data/okienko.db`,
  ]);
}
