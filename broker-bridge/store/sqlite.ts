// Over 300 lines on purpose: one class over one connection implements the whole store contract
// (contract/), each method a few lines of SQL beside its prepared statement; split by kind of
// record, every part would need the same connection, statements and transaction. The schema is
// in sqlite-migrations.ts, the batch plan in batch.ts (shared with PostgreSQL).
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CounterEvent, type CounterRef } from '@okienko/protocol';
import { counterKey, eventJson, type AlertCondition, type AlertFilter, type AlertRecord, type CounterRow, type EventFilter, type Store, type StoredEvent, type WriteHooks, type WriteOp, type Written, type NoticeRecord, type SessionEndReason, type SessionRecord, type UserRecord } from './types.ts';
import { SESSION_KEPT_MS, alertRecord, alertWhere, noticeRecord, sessionRecord, userRecord, type AlertRow, type NoticeRow, type SessionRow, type UserRow } from './records.ts';
import { batchRefs, planWrites, type PlannedEvent } from './batch.ts';
import { SqliteCheckpointer } from './sqlite-checkpointer.ts';
import { WalSync, type FileSync } from './wal-sync.ts';
import { MIGRATIONS } from './sqlite-migrations.ts';

const HOUR_MS = 3_600_000;

export interface SqliteOptions {
  /**
   * 'FULL' survives a power cut of the server: nothing resolves before the WAL is synced
   * (wal-sync.ts, off the event loop); 'NORMAL' survives a crash of the bridge (WAL).
   */
  synchronous: 'FULL' | 'NORMAL';
  /** How the WAL is made durable under FULL; tests hold it as a slow disk would. */
  syncWal?: FileSync;
}

const defaults: SqliteOptions = { synchronous: 'FULL' };

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly stmts;
  private readonly checkpointer: SqliteCheckpointer | null = null;
  /** FULL on a file: the WAL's group sync. Null: nothing to wait for (NORMAL, or in memory). */
  private readonly walSync: WalSync | null = null;

  constructor(file: string, options: SqliteOptions = defaults) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // FULL's per-commit WAL sync is ours (wal-sync.ts): SQLite's would block the event loop.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
    if (file !== ':memory:') {
      // Checkpoints happen on a thread of their own (sqlite-checkpointer.ts), not inside a commit.
      this.db.pragma('wal_autocheckpoint = 0');
      if (options.synchronous === 'FULL') this.walSync = new WalSync(`${file}-wal`, options.syncWal);
      this.checkpointer = new SqliteCheckpointer(file, (message) => process.emitWarning(`okienko: WAL checkpoint failed: ${message}`));
    }
    this.stmts = {
      insert: this.db.prepare(
        `INSERT INTO events (id, site, counter, seq, type, at, clock_synced, received_at, effective_at, face, flagged, payload)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
      ),
      getCounter: this.db.prepare('SELECT row FROM counters WHERE site = ? AND counter = ?'),
      putCounter: this.db.prepare(
        'INSERT INTO counters (site, counter, row) VALUES (?, ?, ?) ON CONFLICT(site, counter) DO UPDATE SET row = excluded.row',
      ),
      listCounters: this.db.prepare('SELECT row FROM counters ORDER BY site, counter'),
      countVotes: this.db.prepare(
        `INSERT INTO feedback_hourly (site, counter, hour, face, n) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(site, counter, hour, face) DO UPDATE SET n = n + excluded.n`,
      ),
      storedIds: this.db.prepare('SELECT id FROM events WHERE id IN (SELECT value FROM json_each(?))'),
      feedback: this.db.prepare(
        'SELECT face, SUM(n) AS n FROM feedback_hourly WHERE site = ? AND counter = ? AND hour >= ? GROUP BY face',
      ),
    };
  }

  async write(ops: readonly WriteOp[], hooks: WriteHooks = {}): Promise<Written> {
    this.check();
    // Read, worked out in memory (batch.ts, as for PostgreSQL), then written: one statement per
    // event, one per counter and one per hour and face voted, all in one transaction whose write
    // lock covers the reads.
    const written = this.db.transaction((): Written => {
      const refs = batchRefs(ops);
      // Every id looked up: in-process the lookup costs less than a savepoint to insert without it
      // (PostgreSQL's batch looks up only the unsure, postgres-batch.ts; here that measured slower).
      const ids = ops.flatMap((op) => (op.kind === 'event' ? [op.event.id] : []));
      const rows = new Map(refs.map((r) => [counterKey(r), this.getCounterSync(r.site, r.counter)]));
      // Looked up as sent (SQLite compares text exactly, as its ON CONFLICT does), compared in lower case.
      const stored = new Set(
        ids.length === 0 ? [] : (this.stmts.storedIds.all(JSON.stringify(ids)) as { id: string }[]).map((r) => r.id.toLowerCase()),
      );
      const { results, changed, events, votes } = planWrites(ops, (ref) => rows.get(counterKey(ref)) ?? null, stored);
      for (const e of events) this.insertSync(e);
      for (const v of votes) this.stmts.countVotes.run(v.site, v.counter, v.hour, v.face, v.n);
      for (const row of changed) this.stmts.putCounter.run(row.site, row.counter, JSON.stringify(row));
      return { results, votes };
    })();
    // Shown first, then the next batch may go (one writer: committed is in its place), so the
    // live stream hears of batches in the order they were committed.
    hooks.committed?.(written);
    hooks.ordered?.();
    await this.durable();
    return written;
  }

  /** After a commit: resolves once it is on the disk (FULL), at once otherwise. */
  private durable(): Promise<void> {
    return this.walSync ? this.walSync.flush() : Promise.resolve();
  }

  /** A failed sync leaves the store failed: no write is taken that could not be made durable. */
  private check(): void {
    if (this.walSync?.failure) throw this.walSync.failure;
  }

  async getCounter(site: string, counter: string): Promise<CounterRow | null> {
    return this.getCounterSync(site, counter);
  }

  /** Stores an event planned as new; the lookup before ran under the same write lock, so it is. */
  private insertSync({ op, receivedAt, effectiveAt }: PlannedEvent): void {
    const e = op.event;
    const feedback = e.type === 'feedback';
    const info = this.stmts.insert.run(
      e.id, e.site, e.counter, e.seq, e.type, e.at, e.clockSynced ? 1 : 0, receivedAt, effectiveAt,
      feedback ? e.face : null, feedback ? (e.flagged ? 1 : 0) : null, eventJson(op),
    );
    if (info.changes !== 1) throw new Error(`event ${e.id} was found stored after it was looked up: the batch is rolled back`);
  }

  private getCounterSync(site: string, counter: string): CounterRow | null {
    const r = this.stmts.getCounter.get(site, counter) as { row: string } | undefined;
    return r ? (JSON.parse(r.row) as CounterRow) : null;
  }

  async listCounters(): Promise<CounterRow[]> {
    return (this.stmts.listCounters.all() as { row: string }[]).map((r) => JSON.parse(r.row) as CounterRow);
  }

  async listEvents(f: EventFilter): Promise<StoredEvent[]> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    const add = (clause: string, value: string | number | undefined): void => {
      if (value === undefined) return;
      where.push(clause);
      args.push(value);
    };
    add('site = ?', f.site);
    add('counter = ?', f.counter);
    add('type = ?', f.type);
    add('effective_at >= ?', f.from);
    add('effective_at < ?', f.to);
    const sql = `SELECT payload, received_at, effective_at FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                 ORDER BY effective_at, site, counter, seq LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, f.limit) as { payload: string; received_at: number; effective_at: number }[];
    return rows.map((r) => ({
      event: CounterEvent.parse(JSON.parse(r.payload)),
      receivedAt: r.received_at,
      effectiveAt: r.effective_at,
    }));
  }

  async lastStateChanges(before: number): Promise<StoredEvent[]> {
    // Per counter, its events walked back from `before` on (site, counter, effective_at) until
    // the first state change: no scan of the history before it.
    const rows = this.db
      .prepare(
        `SELECT e.payload, e.received_at, e.effective_at FROM counters c
         JOIN events e ON e.id = (
           SELECT l.id FROM events l
           WHERE l.site = c.site AND l.counter = c.counter AND l.type = 'state_changed' AND l.effective_at < ?
           ORDER BY l.effective_at DESC, l.seq DESC LIMIT 1)
         ORDER BY c.site, c.counter`,
      )
      .all(before) as { payload: string; received_at: number; effective_at: number }[];
    return rows.map((r) => ({ event: CounterEvent.parse(JSON.parse(r.payload)), receivedAt: r.received_at, effectiveAt: r.effective_at }));
  }

  async feedbackCounts(refs: readonly CounterRef[], from: number): Promise<Map<string, Record<string, number>>> {
    // `from` is a midnight, so a whole hour: the hourly buckets cover exactly the period. A
    // prepared statement per counter: in-process, a query costs microseconds, not a round trip.
    const counts = new Map<string, Record<string, number>>();
    for (const ref of refs) {
      const rows = this.stmts.feedback.all(ref.site, ref.counter, from - (from % HOUR_MS)) as { face: number; n: number }[];
      counts.set(counterKey(ref), Object.fromEntries(rows.map((r) => [String(r.face), r.n])));
    }
    return counts;
  }

  async deleteEventsBefore(before: number): Promise<number> {
    this.check();
    const { changes } = this.db.prepare('DELETE FROM events WHERE effective_at < ?').run(before);
    await this.durable();
    return changes;
  }

  async raiseAlert(c: AlertCondition, at: number): Promise<AlertRecord | null> {
    this.check();
    const id = randomUUID();
    const info = this.db
      .prepare(
        `INSERT INTO alerts (id, key, kind, site, counter, message, facts, raised_at)
         SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT (? AND EXISTS (SELECT 1 FROM alerts WHERE key = ?))
         ON CONFLICT(key) WHERE cleared_at IS NULL DO NOTHING`,
      )
      .run(id, c.key, c.kind, c.site, c.counter, c.message, JSON.stringify(c.facts), at, c.once ? 1 : 0, c.key);
    if (info.changes !== 1) return null; // still open: the same situation, already raised
    await this.durable();
    return alertRecord(this.db.prepare('SELECT * FROM alerts WHERE id = ?').get(id) as AlertRow);
  }

  async clearAlerts(holding: readonly string[], at: number): Promise<AlertRecord[]> {
    this.check();
    const cleared = this.db.transaction(() => {
      const open = this.db.prepare('SELECT * FROM alerts WHERE cleared_at IS NULL').all() as AlertRow[];
      const still = new Set(holding);
      const ended = open.filter((r) => !still.has(r.key));
      const clear = this.db.prepare('UPDATE alerts SET cleared_at = ? WHERE id = ?');
      for (const r of ended) clear.run(at, r.id);
      return ended.map((r) => alertRecord({ ...r, cleared_at: at }));
    })();
    if (cleared.length > 0) await this.durable();
    return cleared;
  }

  async listAlerts(f: AlertFilter): Promise<AlertRecord[]> {
    const { where, params } = alertWhere(f, () => '?');
    return (this.db.prepare(`SELECT * FROM alerts ${where} ORDER BY raised_at DESC LIMIT ?`).all(...params, f.limit) as AlertRow[]).map(alertRecord);
  }

  async ackAlert(id: string, by: string, comment: string, at: number): Promise<AlertRecord | null> {
    this.check();
    this.db.prepare('UPDATE alerts SET acked_at = ?, acked_by = ?, comment = ? WHERE id = ?').run(at, by, comment, id);
    await this.durable();
    const r = this.db.prepare('SELECT * FROM alerts WHERE id = ?').get(id) as AlertRow | undefined;
    return r ? alertRecord(r) : null;
  }

  async addNotice(n: NoticeRecord): Promise<void> {
    this.check();
    this.db
      .prepare('INSERT INTO notices (id, site, counter, text, sender, at, until, withdrawn_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(n.id, n.site, n.counter, n.text, n.from, n.at, n.until, n.withdrawnAt);
    await this.durable();
  }

  async withdrawNotice(id: string, at: number): Promise<NoticeRecord | null> {
    this.check();
    this.db.prepare('UPDATE notices SET withdrawn_at = ? WHERE id = ? AND withdrawn_at IS NULL').run(at, id);
    await this.durable();
    const r = this.db.prepare('SELECT * FROM notices WHERE id = ?').get(id) as NoticeRow | undefined;
    return r ? noticeRecord(r) : null;
  }

  async listNotices(f: { activeAt?: number | undefined; limit: number }): Promise<NoticeRecord[]> {
    const rows =
      f.activeAt === undefined
        ? this.db.prepare('SELECT * FROM notices ORDER BY at DESC LIMIT ?').all(f.limit)
        : this.db.prepare('SELECT * FROM notices WHERE until > ? AND withdrawn_at IS NULL ORDER BY at DESC LIMIT ?').all(f.activeAt, f.limit);
    return (rows as NoticeRow[]).map(noticeRecord);
  }

  async getUser(username: string): Promise<UserRecord | null> {
    const r = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
    return r ? userRecord(r) : null;
  }

  async putUser(u: UserRecord, at = u.createdAt): Promise<string[]> {
    this.check();
    const ended = this.db.transaction(() => {
      const before = this.db.prepare('SELECT * FROM users WHERE username = ?').get(u.username) as UserRow | undefined;
      this.db
        .prepare('INSERT INTO users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?) ON CONFLICT(username) DO UPDATE SET password_hash = excluded.password_hash, role = excluded.role')
        .run(u.username, u.passwordHash, u.role, u.createdAt);
      const changed = before !== undefined && (before.password_hash !== u.passwordHash || before.role !== u.role);
      return changed ? this.endSessionsSync({ username: u.username }, at, 'password_or_role_changed') : [];
    })();
    await this.durable();
    return ended;
  }

  async deleteUser(username: string, at: number): Promise<string[] | null> {
    this.check();
    const ended = this.db.transaction(() => {
      const { changes } = this.db.prepare('DELETE FROM users WHERE username = ?').run(username);
      return changes === 0 ? null : this.endSessionsSync({ username }, at, 'user_removed');
    })();
    await this.durable();
    return ended;
  }

  async addSession(x: SessionRecord): Promise<void> {
    this.check();
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM sessions WHERE expires_at < ?').run(x.createdAt - SESSION_KEPT_MS);
      this.db
        .prepare(
          `INSERT INTO sessions (id, token_hash, username, role, csrf, created_at, last_seen, expires_at, ended_at, end_reason, user_agent, address)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(x.id, x.tokenHash, x.username, x.role, x.csrf, x.createdAt, x.lastSeen, x.expiresAt, x.endedAt, x.endReason, x.userAgent, x.address);
    })();
    await this.durable();
  }

  async findSession(tokenHash: string, at: number): Promise<SessionRecord | null> {
    // Joined with the user: a user removed by any means has no session left, and the role is theirs now.
    const r = this.db
      .prepare(
        `SELECT s.id, s.token_hash, s.username, u.role, s.csrf, s.created_at, s.last_seen, s.expires_at, s.ended_at, s.end_reason, s.user_agent, s.address
         FROM sessions s JOIN users u ON u.username = s.username
         WHERE s.token_hash = ? AND s.ended_at IS NULL AND s.expires_at > ?`,
      )
      .get(tokenHash, at) as SessionRow | undefined;
    return r ? sessionRecord(r) : null;
  }

  async touchSession(id: string, at: number): Promise<void> {
    this.check();
    // Not waited for to be durable: a last-seen time lost to a power cut costs nothing.
    this.db.prepare('UPDATE sessions SET last_seen = max(last_seen, ?) WHERE id = ?').run(at, id);
  }

  async endSessions(which: { id?: string; username?: string; exceptId?: string }, at: number, reason: SessionEndReason): Promise<string[]> {
    this.check();
    const ended = this.db.transaction(() => this.endSessionsSync(which, at, reason))();
    if (ended.length > 0) await this.durable();
    return ended;
  }

  private endSessionsSync(which: { id?: string; username?: string; exceptId?: string }, at: number, reason: SessionEndReason): string[] {
    const terms = ['ended_at IS NULL'];
    const args: string[] = [];
    const add = (sql: string, value: string | undefined): void => {
      if (value === undefined) return;
      terms.push(sql);
      args.push(value);
    };
    add('id = ?', which.id);
    add('username = ?', which.username);
    add('id <> ?', which.exceptId);
    // Nothing named, nothing ended: never every session at once by a missing argument.
    if (args.length === 0) return [];
    const rows = this.db.prepare(`UPDATE sessions SET ended_at = ?, end_reason = ? WHERE ${terms.join(' AND ')} RETURNING id`).all(at, reason, ...args) as { id: string }[];
    return rows.map((r) => r.id);
  }

  async listSessions(f: { username?: string | undefined; at: number; limit: number }): Promise<SessionRecord[]> {
    const rows =
      f.username === undefined
        ? this.db.prepare('SELECT * FROM sessions WHERE ended_at IS NULL AND expires_at > ? ORDER BY created_at DESC, id LIMIT ?').all(f.at, f.limit)
        : this.db.prepare('SELECT * FROM sessions WHERE username = ? AND ended_at IS NULL AND expires_at > ? ORDER BY created_at DESC, id LIMIT ?').all(f.username, f.at, f.limit);
    return (rows as SessionRow[]).map(sessionRecord);
  }

  async countUsers(): Promise<number> {
    return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  async setting(key: string, initial: () => string): Promise<string> {
    this.check();
    const { changes } = this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING').run(key, initial());
    if (changes > 0) await this.durable();
    return (this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string }).value;
  }

  async close(): Promise<void> {
    await this.walSync?.close();
    await this.checkpointer?.stop();
    this.db.close();
  }

  private migrate(): void {
    const current = this.db.pragma('user_version', { simple: true }) as number;
    for (let v = current; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]!);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }
}
