import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { CounterEvent, type CounterRef } from '@okienko/protocol';
import { counterKey, type AlertCondition, type AlertFilter, type AlertRecord, type CounterRow, type EventFilter, type Store, type StoredEvent, type WriteHooks, type WriteOp, type Written, type NoticeRecord, type SessionEndReason, type SessionRecord, type UserRecord } from './types.ts';
import { writeBatch } from './postgres-batch.ts';
import { SESSION_KEPT_MS, alertRecord, alertWhere, noticeRecord, sessionRecord, userRecord } from './records.ts';
import { MIGRATIONS } from './postgres-migrations.ts';

const HOUR_MS = 3_600_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ends the live sessions that match (Store.endSessions), on the pool or inside a transaction. */
async function endSessionsIn(db: pg.Pool | pg.PoolClient, which: { id?: string; username?: string; exceptId?: string }, at: number, reason: SessionEndReason): Promise<string[]> {
  // A malformed id names no session (and must not reach PostgreSQL's uuid parser as a 500).
  if ((which.id !== undefined && !UUID.test(which.id)) || (which.exceptId !== undefined && !UUID.test(which.exceptId))) {
    if (which.id !== undefined) return [];
    which = { ...which, exceptId: undefined };
  }
  const terms = ['ended_at IS NULL'];
  const args: unknown[] = [at, reason];
  const add = (sql: string, value: string | undefined): void => {
    if (value === undefined) return;
    args.push(value);
    terms.push(`${sql} $${args.length}`);
  };
  add('id =', which.id);
  add('username =', which.username);
  add('id <>', which.exceptId);
  // Nothing named, nothing ended: never every session at once by a missing argument.
  if (args.length === 2) return [];
  const r = await db.query<{ id: string }>(`UPDATE sessions SET ended_at = $1, end_reason = $2 WHERE ${terms.join(' AND ')} RETURNING id`, args);
  return r.rows.map((x) => x.id);
}

// Any fixed number: the key under which concurrent bridges take turns to migrate.
const MIGRATION_LOCK = 4_242_001;

/**
 * The PostgreSQL store, for an office that runs several bridges or keeps years of events. Same
 * contract as the SQLite store (one test suite runs against both). Concurrent bridges serialise
 * on a counter with a transaction-scoped advisory lock (postgres-batch.ts).
 */
export class PostgresStore implements Store {
  private constructor(private readonly pool: pg.Pool) {}

  /** `onConnectionError`: told when the server ends an idle connection (a restart, an administrator). */
  static async open(url: string, opts: { onConnectionError?: (err: Error) => void } = {}): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    // Unheard, that is an 'error' event on the pool, which ends the process. pg-pool has already
    // dropped the connection, and the next query opens a new one; a query in flight fails by
    // itself, and its batch goes unacknowledged, so the broker sends it again.
    pool.on('error', (err) => opts.onConnectionError?.(err));
    const store = new PostgresStore(pool);
    await store.migrate();
    return store;
  }

  async write(ops: readonly WriteOp[], hooks: WriteHooks = {}): Promise<Written> {
    if (ops.length === 0) return { results: [], votes: [] };
    // PostgreSQL's COMMIT returns once durable (synchronous_commit on): committed is durable here.
    const written = await this.transaction((db) => writeBatch(db, ops, () => hooks.ordered?.()));
    hooks.committed?.(written);
    return written;
  }

  async getCounter(site: string, counter: string): Promise<CounterRow | null> {
    const r = await this.pool.query<{ row: CounterRow }>('SELECT row FROM counters WHERE site = $1 AND counter = $2', [site, counter]);
    return r.rows[0]?.row ?? null;
  }

  async listCounters(): Promise<CounterRow[]> {
    const r = await this.pool.query<{ row: CounterRow }>('SELECT row FROM counters ORDER BY site, counter');
    return r.rows.map((x) => x.row);
  }

  async listEvents(f: EventFilter): Promise<StoredEvent[]> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    const add = (column: string, op: string, value: string | number | undefined): void => {
      if (value === undefined) return;
      args.push(value);
      where.push(`${column} ${op} $${args.length}`);
    };
    add('site', '=', f.site);
    add('counter', '=', f.counter);
    add('type', '=', f.type);
    add('effective_at', '>=', f.from);
    add('effective_at', '<', f.to);
    args.push(f.limit);
    const r = await this.pool.query<{ payload: unknown; received_at: string; effective_at: string }>(
      `SELECT payload, received_at, effective_at FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY effective_at, site, counter, seq LIMIT $${args.length}`,
      args,
    );
    return r.rows.map((x) => ({ event: CounterEvent.parse(x.payload), receivedAt: Number(x.received_at), effectiveAt: Number(x.effective_at) }));
  }

  async lastStateChanges(before: number): Promise<StoredEvent[]> {
    // Per counter, its events walked back from `before` on (site, counter, effective_at) until
    // the first state change: no scan of the history before it.
    const r = await this.pool.query<{ payload: unknown; received_at: string; effective_at: string }>(
      `SELECT l.payload, l.received_at, l.effective_at FROM counters c
       CROSS JOIN LATERAL (
         SELECT e.payload, e.received_at, e.effective_at FROM events e
         WHERE e.site = c.site AND e.counter = c.counter AND e.type = 'state_changed' AND e.effective_at < $1
         ORDER BY e.effective_at DESC, e.seq DESC LIMIT 1) l
       ORDER BY c.site, c.counter`,
      [before],
    );
    return r.rows.map((x) => ({ event: CounterEvent.parse(x.payload), receivedAt: Number(x.received_at), effectiveAt: Number(x.effective_at) }));
  }

  async feedbackCounts(refs: readonly CounterRef[], from: number): Promise<Map<string, Record<string, number>>> {
    // One round trip for them all; each counter once, or the join would count its votes twice.
    const unique = [...new Map(refs.map((r) => [counterKey(r), r])).values()];
    const counts = new Map<string, Record<string, number>>(unique.map((r) => [counterKey(r), {}]));
    if (unique.length === 0) return counts;
    const r = await this.pool.query<{ site: string; counter: string; face: number; n: string }>(
      `SELECT f.site, f.counter, f.face, SUM(f.n) AS n
       FROM feedback_hourly f JOIN unnest($1::text[], $2::text[]) AS k(site, counter) USING (site, counter)
       WHERE f.hour >= $3 GROUP BY f.site, f.counter, f.face`,
      [unique.map((x) => x.site), unique.map((x) => x.counter), from - (from % HOUR_MS)],
    );
    for (const x of r.rows) counts.get(counterKey(x))![String(x.face)] = Number(x.n);
    return counts;
  }

  async deleteEventsBefore(before: number): Promise<number> {
    return (await this.pool.query('DELETE FROM events WHERE effective_at < $1', [before])).rowCount ?? 0;
  }

  async raiseAlert(c: AlertCondition, at: number): Promise<AlertRecord | null> {
    const r = await this.pool.query(
      `INSERT INTO alerts (id, key, kind, site, counter, message, facts, raised_at)
       SELECT $1::uuid, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::bigint
       WHERE NOT ($9::boolean AND EXISTS (SELECT 1 FROM alerts WHERE key = $2::text))
       ON CONFLICT (key) WHERE cleared_at IS NULL DO NOTHING RETURNING *`,
      [randomUUID(), c.key, c.kind, c.site, c.counter, c.message, JSON.stringify(c.facts), at, c.once === true],
    );
    return r.rows[0] ? alertRecord(r.rows[0]) : null;
  }

  async clearAlerts(holding: readonly string[], at: number): Promise<AlertRecord[]> {
    const r = await this.pool.query('UPDATE alerts SET cleared_at = $1 WHERE cleared_at IS NULL AND NOT (key = ANY($2)) RETURNING *', [at, [...holding]]);
    return r.rows.map(alertRecord);
  }

  async listAlerts(f: AlertFilter): Promise<AlertRecord[]> {
    const { where, params } = alertWhere(f, (n) => `$${n}`);
    const r = await this.pool.query(`SELECT * FROM alerts ${where} ORDER BY raised_at DESC LIMIT $${params.length + 1}`, [...params, f.limit]);
    return r.rows.map(alertRecord);
  }

  async ackAlert(id: string, by: string, comment: string, at: number): Promise<AlertRecord | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const r = await this.pool.query('UPDATE alerts SET acked_at = $1, acked_by = $2, comment = $3 WHERE id = $4 RETURNING *', [at, by, comment, id]);
    return r.rows[0] ? alertRecord(r.rows[0]) : null;
  }

  async addNotice(n: NoticeRecord): Promise<void> {
    await this.pool.query('INSERT INTO notices (id, site, counter, text, sender, at, until, withdrawn_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
      n.id, n.site, n.counter, n.text, n.from, n.at, n.until, n.withdrawnAt,
    ]);
  }

  async withdrawNotice(id: string, at: number): Promise<NoticeRecord | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    await this.pool.query('UPDATE notices SET withdrawn_at = $1 WHERE id = $2 AND withdrawn_at IS NULL', [at, id]);
    const r = await this.pool.query('SELECT * FROM notices WHERE id = $1', [id]);
    return r.rows[0] ? noticeRecord(r.rows[0]) : null;
  }

  async listNotices(f: { activeAt?: number | undefined; limit: number }): Promise<NoticeRecord[]> {
    const r =
      f.activeAt === undefined
        ? await this.pool.query('SELECT * FROM notices ORDER BY at DESC LIMIT $1', [f.limit])
        : await this.pool.query('SELECT * FROM notices WHERE until > $1 AND withdrawn_at IS NULL ORDER BY at DESC LIMIT $2', [f.activeAt, f.limit]);
    return r.rows.map(noticeRecord);
  }

  async getUser(username: string): Promise<UserRecord | null> {
    const r = await this.pool.query('SELECT * FROM users WHERE username = $1', [username]);
    return r.rows[0] ? userRecord(r.rows[0]) : null;
  }

  async putUser(u: UserRecord, at = u.createdAt): Promise<string[]> {
    return this.transaction(async (db) => {
      const before = (await db.query('SELECT password_hash, role FROM users WHERE username = $1 FOR UPDATE', [u.username])).rows[0] as { password_hash: string; role: string } | undefined;
      await db.query(
        'INSERT INTO users (username, password_hash, role, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, role = excluded.role',
        [u.username, u.passwordHash, u.role, u.createdAt],
      );
      const changed = before !== undefined && (before.password_hash !== u.passwordHash || before.role !== u.role);
      return changed ? endSessionsIn(db, { username: u.username }, at, 'password_or_role_changed') : [];
    });
  }

  async deleteUser(username: string, at: number): Promise<string[] | null> {
    return this.transaction(async (db) => {
      const { rowCount } = await db.query('DELETE FROM users WHERE username = $1', [username]);
      return rowCount ? endSessionsIn(db, { username }, at, 'user_removed') : null;
    });
  }

  async addSession(x: SessionRecord): Promise<void> {
    await this.pool.query(
      `WITH forgotten AS (DELETE FROM sessions WHERE expires_at < $13)
       INSERT INTO sessions (id, token_hash, username, role, csrf, created_at, last_seen, expires_at, ended_at, end_reason, user_agent, address)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [x.id, x.tokenHash, x.username, x.role, x.csrf, x.createdAt, x.lastSeen, x.expiresAt, x.endedAt, x.endReason, x.userAgent, x.address, x.createdAt - SESSION_KEPT_MS],
    );
  }

  async findSession(tokenHash: string, at: number): Promise<SessionRecord | null> {
    // Joined with the user: a user removed by any means has no session left, and the role is theirs now.
    const r = await this.pool.query(
      `SELECT s.id, s.token_hash, s.username, u.role, s.csrf, s.created_at, s.last_seen, s.expires_at, s.ended_at, s.end_reason, s.user_agent, s.address
       FROM sessions s JOIN users u ON u.username = s.username
       WHERE s.token_hash = $1 AND s.ended_at IS NULL AND s.expires_at > $2`,
      [tokenHash, at],
    );
    return r.rows[0] ? sessionRecord(r.rows[0]) : null;
  }

  async touchSession(id: string, at: number): Promise<void> {
    if (!UUID.test(id)) return;
    await this.pool.query('UPDATE sessions SET last_seen = GREATEST(last_seen, $1) WHERE id = $2', [at, id]);
  }

  async endSessions(which: { id?: string; username?: string; exceptId?: string }, at: number, reason: SessionEndReason): Promise<string[]> {
    return endSessionsIn(this.pool, which, at, reason);
  }

  async listSessions(f: { username?: string | undefined; at: number; limit: number }): Promise<SessionRecord[]> {
    const r =
      f.username === undefined
        ? await this.pool.query('SELECT * FROM sessions WHERE ended_at IS NULL AND expires_at > $1 ORDER BY created_at DESC, id LIMIT $2', [f.at, f.limit])
        : await this.pool.query('SELECT * FROM sessions WHERE username = $1 AND ended_at IS NULL AND expires_at > $2 ORDER BY created_at DESC, id LIMIT $3', [f.username, f.at, f.limit]);
    return r.rows.map(sessionRecord);
  }

  async countUsers(): Promise<number> {
    return Number((await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM users')).rows[0]!.n);
  }

  async setting(key: string, initial: () => string): Promise<string> {
    await this.pool.query('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, initial()]);
    return (await this.pool.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key])).rows[0]!.value;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async transaction<T>(work: (db: pg.PoolClient) => Promise<T>): Promise<T> {
    const db = await this.pool.connect();
    try {
      await db.query('BEGIN');
      const result = await work(db);
      await db.query('COMMIT');
      return result;
    } catch (err) {
      await db.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      db.release();
    }
  }

  private async migrate(): Promise<void> {
    await this.transaction(async (db) => {
      await db.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await db.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY)');
      const done = new Set((await db.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
      for (let v = 0; v < MIGRATIONS.length; v++) {
        if (done.has(v + 1)) continue;
        await db.query(MIGRATIONS[v]!);
        await db.query('INSERT INTO schema_migrations (version) VALUES ($1)', [v + 1]);
      }
    });
  }
}
