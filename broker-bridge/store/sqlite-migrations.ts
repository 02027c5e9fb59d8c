/** The SQLite schema, one step per entry: `PRAGMA user_version` says how far a file has come.
 * Steps are only ever added: a file made by any earlier version moves on from where it is. */
export const MIGRATIONS: string[] = [
  `CREATE TABLE events (
     id TEXT PRIMARY KEY,
     site TEXT NOT NULL,
     counter TEXT NOT NULL,
     seq INTEGER NOT NULL,
     type TEXT NOT NULL,
     at INTEGER NOT NULL,
     clock_synced INTEGER NOT NULL,
     received_at INTEGER NOT NULL,
     effective_at INTEGER NOT NULL,
     face INTEGER,
     flagged INTEGER,
     payload TEXT NOT NULL
   );
   CREATE INDEX events_counter_time ON events(site, counter, effective_at);
   CREATE INDEX events_time ON events(effective_at);
   CREATE TABLE counters (
     site TEXT NOT NULL,
     counter TEXT NOT NULL,
     row TEXT NOT NULL,
     PRIMARY KEY (site, counter)
   );`,
  // Votes per counter, hour and face, kept up to date on insert, so "today's votes" and reports
  // read a few rows instead of scanning every event. Hours are UTC-aligned, and so is every
  // office's midnight in Poland (its offset is a whole number of hours).
  `CREATE TABLE feedback_hourly (
     site TEXT NOT NULL,
     counter TEXT NOT NULL,
     hour INTEGER NOT NULL,
     face INTEGER NOT NULL,
     n INTEGER NOT NULL,
     PRIMARY KEY (site, counter, hour, face)
   );
   INSERT INTO feedback_hourly (site, counter, hour, face, n)
     SELECT site, counter, effective_at - effective_at % 3600000, face, COUNT(*) FROM events
     WHERE type = 'feedback' AND flagged = 0 GROUP BY 1, 2, 3, 4;`,
  `CREATE TABLE alerts (
     id TEXT PRIMARY KEY,
     key TEXT NOT NULL UNIQUE,
     kind TEXT NOT NULL,
     site TEXT NOT NULL,
     counter TEXT,
     message TEXT NOT NULL,
     raised_at INTEGER NOT NULL,
     cleared_at INTEGER,
     acked_at INTEGER,
     acked_by TEXT,
     comment TEXT
   );
   CREATE INDEX alerts_open ON alerts(cleared_at, raised_at);`,
  `CREATE TABLE notices (
     id TEXT PRIMARY KEY,
     site TEXT NOT NULL,
     counter TEXT,
     text TEXT NOT NULL,
     sender TEXT NOT NULL,
     at INTEGER NOT NULL,
     until INTEGER NOT NULL,
     withdrawn_at INTEGER
   );
   CREATE INDEX notices_until ON notices(until);`,
  `CREATE TABLE users (username TEXT PRIMARY KEY, password_hash TEXT NOT NULL, role TEXT NOT NULL, created_at INTEGER NOT NULL);
   CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  `ALTER TABLE alerts ADD COLUMN facts TEXT;
   CREATE INDEX alerts_raised ON alerts(raised_at);`,
  // One alert per situation while it lasts: a key is unique among open alerts only, so the same
  // situation arising again after it cleared raises a new alert. (Unique on every alert ever, the
  // second time all of a site's counters were away raised nothing.) SQLite can't drop a column's
  // UNIQUE: the table is made again, every alert kept.
  `CREATE TABLE alerts_new (
     id TEXT PRIMARY KEY,
     key TEXT NOT NULL,
     kind TEXT NOT NULL,
     site TEXT NOT NULL,
     counter TEXT,
     message TEXT NOT NULL,
     raised_at INTEGER NOT NULL,
     cleared_at INTEGER,
     acked_at INTEGER,
     acked_by TEXT,
     comment TEXT,
     facts TEXT
   );
   INSERT INTO alerts_new (id, key, kind, site, counter, message, raised_at, cleared_at, acked_at, acked_by, comment, facts)
     SELECT id, key, kind, site, counter, message, raised_at, cleared_at, acked_at, acked_by, comment, facts FROM alerts;
   DROP TABLE alerts;
   ALTER TABLE alerts_new RENAME TO alerts;
   CREATE INDEX alerts_open ON alerts(cleared_at, raised_at);
   CREATE INDEX alerts_raised ON alerts(raised_at);
   CREATE UNIQUE INDEX alerts_open_key ON alerts(key) WHERE cleared_at IS NULL;
   CREATE INDEX alerts_key ON alerts(key);`,
  // Login sessions kept in the store, not only in a signed cookie: a logout, a new password or
  // role and a removed user end them for every bridge on the store. Only the token's hash is kept.
  `CREATE TABLE sessions (
     id TEXT PRIMARY KEY,
     token_hash TEXT NOT NULL UNIQUE,
     username TEXT NOT NULL,
     role TEXT NOT NULL,
     csrf TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     last_seen INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     ended_at INTEGER,
     end_reason TEXT,
     user_agent TEXT,
     address TEXT
   );
   CREATE INDEX sessions_user ON sessions(username, ended_at);
   CREATE INDEX sessions_expires ON sessions(expires_at);`,
];
