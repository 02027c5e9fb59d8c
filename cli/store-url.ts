import path from 'node:path';
import { ConfigError } from '@okienko/protocol';
import { PostgresStore, SqliteStore, type Store } from '@okienko/broker-bridge';

/**
 * `sqlite:<file>[?synchronous=FULL|NORMAL]` or `postgres://user@host/db` (`postgresql://` too): one
 * Store interface either way. SQLite's FULL (the default) survives a power cut of the server;
 * NORMAL survives a crash of the bridge but may lose the last commits to a power cut.
 */
export async function openStore(url: string, opts: { onConnectionError?: (err: Error) => void } = {}): Promise<Store> {
  if (url.startsWith('sqlite:')) {
    const [file = '', query = ''] = url.slice('sqlite:'.length).split('?');
    const synchronous = new URLSearchParams(query).get('synchronous') ?? 'FULL';
    if (synchronous !== 'FULL' && synchronous !== 'NORMAL') {
      throw new ConfigError('--store / OKIENKO_STORE', [`synchronous=${synchronous} in "${url}" — use synchronous=FULL (survives a power cut) or synchronous=NORMAL`]);
    }
    return new SqliteStore(file === ':memory:' ? file : path.resolve(file), { synchronous });
  }
  if (/^postgres(ql)?:\/\//.test(url)) return PostgresStore.open(url, opts);
  throw new ConfigError('--store / OKIENKO_STORE', [
    `unsupported store URL "${url}" — use sqlite:<file> (e.g. sqlite:./data/okienko.db) or postgres://user@host:5432/db`,
  ]);
}

/**
 * The same store named so it is found from any folder: `sqlite:./data/okienko.db` becomes its
 * absolute path (a hint run elsewhere must not make a new, empty database); others stay as given.
 */
export function absoluteStoreUrl(url: string): string {
  const file = sqliteFile(url);
  if (file === null) return url;
  const query = url.split('?')[1];
  return `sqlite:${path.resolve(file)}${query === undefined ? '' : `?${query}`}`;
}

/** The file of a `sqlite:<file>[?…]` store as given; null for other stores and `:memory:`. */
export function sqliteFile(url: string): string | null {
  if (!url.startsWith('sqlite:')) return null;
  const file = url.slice('sqlite:'.length).split('?')[0] ?? '';
  return file === ':memory:' ? null : file;
}

/**
 * A store URL fit for a log line: a PostgreSQL password replaced by ****. The start log's hints
 * are read by people and kept by journald; the password is the store's to keep.
 */
export function loggableStoreUrl(url: string): { url: string; redacted: boolean } {
  if (!/^postgres(ql)?:\/\//.test(url)) return { url, redacted: false };
  try {
    const u = new URL(url);
    if (!u.password) return { url, redacted: false };
    u.password = '****';
    return { url: u.toString(), redacted: true };
  } catch {
    return { url: 'postgres://…', redacted: true };
  }
}

/** A word as a POSIX shell reads it back: quoted when it holds anything but plain path characters. */
export function shellArg(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
}
