/** The PostgreSQL schema, one step per entry; the steps applied are kept in schema_migrations.
 * Steps are only ever added: a database made by any earlier version moves on from where it is. */
export const MIGRATIONS: string[] = [
  `CREATE TABLE events (
     id uuid PRIMARY KEY,
     site text NOT NULL,
     counter text NOT NULL,
     seq bigint NOT NULL,
     type text NOT NULL,
     at bigint NOT NULL,
     clock_synced boolean NOT NULL,
     received_at bigint NOT NULL,
     effective_at bigint NOT NULL,
     face smallint,
     flagged boolean,
     payload jsonb NOT NULL
   );
   CREATE INDEX events_counter_time ON events (site, counter, effective_at);
   CREATE INDEX events_time ON events (effective_at);
   CREATE TABLE counters (site text NOT NULL, counter text NOT NULL, row jsonb NOT NULL, PRIMARY KEY (site, counter));
   CREATE TABLE feedback_hourly (
     site text NOT NULL, counter text NOT NULL, hour bigint NOT NULL, face smallint NOT NULL, n integer NOT NULL,
     PRIMARY KEY (site, counter, hour, face)
   );`,
  `CREATE TABLE alerts (
     id uuid PRIMARY KEY, key text NOT NULL UNIQUE, kind text NOT NULL, site text NOT NULL, counter text,
     message text NOT NULL, raised_at bigint NOT NULL, cleared_at bigint, acked_at bigint, acked_by text, comment text
   );
   CREATE INDEX alerts_open ON alerts (cleared_at, raised_at);`,
  // The payload is kept, not queried (its fields that reports need have columns): json stores the
  // text as sent, checked, for about two thirds of jsonb's insert cost — the largest part of ingest.
  `ALTER TABLE events ALTER COLUMN payload TYPE json USING payload::json;`,
  `CREATE TABLE notices (
     id uuid PRIMARY KEY, site text NOT NULL, counter text, text text NOT NULL, sender text NOT NULL,
     at bigint NOT NULL, until bigint NOT NULL, withdrawn_at bigint
   );
   CREATE INDEX notices_until ON notices (until);`,
  `CREATE TABLE users (username text PRIMARY KEY, password_hash text NOT NULL, role text NOT NULL, created_at bigint NOT NULL);
   CREATE TABLE settings (key text PRIMARY KEY, value text NOT NULL);`,
  `ALTER TABLE alerts ADD COLUMN facts text;
   CREATE INDEX alerts_raised ON alerts (raised_at);`,
  // A batch's counters locked and their rows read in one round trip (postgres-batch.ts). The read
  // must see what the batch before committed while this one waited for its locks: each statement
  // of a VOLATILE function takes a snapshot of its own, so the rows are read after the locks are
  // held. The locks are the ones bridges took before this function (hashtext of "site/counter"),
  // so bridges of both versions serialise on a counter during an upgrade.
  `CREATE FUNCTION okienko_lock_counters(sites text[], counters text[]) RETURNS SETOF jsonb
   LANGUAGE plpgsql VOLATILE AS $$
   BEGIN
     PERFORM pg_advisory_xact_lock(h)
       FROM (SELECT DISTINCT hashtext(s || '/' || c) AS h FROM unnest(sites, counters) AS k(s, c) ORDER BY h) AS locks;
     RETURN QUERY SELECT t.row FROM counters t JOIN unnest(sites, counters) AS k(site, counter) USING (site, counter);
   END $$;`,
  // One alert per situation while it lasts: a key is unique among open alerts only, so the same
  // situation arising again after it cleared raises a new alert. (Unique on every alert ever, the
  // second time all of a site's counters were away raised nothing.) Bridges sharing the store
  // still can't raise one open alert twice: the index decides between them.
  `ALTER TABLE alerts DROP CONSTRAINT alerts_key_key;
   CREATE UNIQUE INDEX alerts_open_key ON alerts (key) WHERE cleared_at IS NULL;
   CREATE INDEX alerts_key ON alerts (key);`,
  // Login sessions kept in the store, not only in a signed cookie: a logout, a new password or
  // role and a removed user end them for every bridge on the store. Only the token's hash is kept.
  `CREATE TABLE sessions (
     id uuid PRIMARY KEY, token_hash text NOT NULL UNIQUE, username text NOT NULL, role text NOT NULL, csrf text NOT NULL,
     created_at bigint NOT NULL, last_seen bigint NOT NULL, expires_at bigint NOT NULL, ended_at bigint, end_reason text,
     user_agent text, address text
   );
   CREATE INDEX sessions_user ON sessions (username, ended_at);
   CREATE INDEX sessions_expires ON sessions (expires_at);`,
];
