import type { AlertFilter, AlertRecord, NoticeRecord, SessionEndReason, SessionRecord, UserRecord } from './types.ts';

// Rows as both stores return them (PostgreSQL's bigint comes back as a string), made into records.

export interface AlertRow {
  id: string;
  key: string;
  kind: string;
  site: string;
  counter: string | null;
  message: string;
  /** JSON; null on alerts raised before facts were kept. */
  facts: string | null;
  raised_at: number;
  cleared_at: number | null;
  acked_at: number | null;
  acked_by: string | null;
  comment: string | null;
}

/** A stored alert row as the API returns it (shared with the PostgreSQL store). */
export function alertRecord(r: AlertRow): AlertRecord {
  return {
    id: r.id,
    key: r.key,
    kind: r.kind as AlertRecord['kind'],
    site: r.site,
    counter: r.counter,
    message: r.message,
    facts: r.facts === null ? {} : (JSON.parse(r.facts) as AlertRecord['facts']),
    raisedAt: Number(r.raised_at),
    clearedAt: r.cleared_at === null ? null : Number(r.cleared_at),
    ackedAt: r.acked_at === null ? null : Number(r.acked_at),
    ackedBy: r.acked_by,
    comment: r.comment,
  };
}

export interface NoticeRow {
  id: string;
  site: string;
  counter: string | null;
  text: string;
  sender: string;
  at: number | string;
  until: number | string;
  withdrawn_at: number | string | null;
}

export function noticeRecord(r: NoticeRow): NoticeRecord {
  return {
    id: r.id,
    site: r.site,
    counter: r.counter,
    text: r.text,
    from: r.sender,
    at: Number(r.at),
    until: Number(r.until),
    withdrawnAt: r.withdrawn_at === null ? null : Number(r.withdrawn_at),
  };
}

export interface UserRow {
  username: string;
  password_hash: string;
  role: string;
  created_at: number | string;
}

export function userRecord(r: UserRow): UserRecord {
  return { username: r.username, passwordHash: r.password_hash, role: r.role as UserRecord['role'], createdAt: Number(r.created_at) };
}

export interface SessionRow {
  id: string;
  token_hash: string;
  username: string;
  role: string;
  csrf: string;
  created_at: number | string;
  last_seen: number | string;
  expires_at: number | string;
  ended_at: number | string | null;
  end_reason: string | null;
  user_agent: string | null;
  address: string | null;
}

export function sessionRecord(r: SessionRow): SessionRecord {
  return {
    id: r.id,
    tokenHash: r.token_hash,
    username: r.username,
    role: r.role as SessionRecord['role'],
    csrf: r.csrf,
    createdAt: Number(r.created_at),
    lastSeen: Number(r.last_seen),
    expiresAt: Number(r.expires_at),
    endedAt: r.ended_at === null ? null : Number(r.ended_at),
    endReason: r.end_reason as SessionEndReason | null,
    userAgent: r.user_agent,
    address: r.address,
  };
}

/** Sessions expired this long are forgotten when the next one is added. */
export const SESSION_KEPT_MS = 30 * 86_400_000;

/** The WHERE clause of an alert listing, the same for both stores; `mark(n)` is the n-th placeholder. */
export function alertWhere(f: AlertFilter, mark: (n: number) => string): { where: string; params: (string | number)[] } {
  const terms: string[] = [];
  const params: (string | number)[] = [];
  const param = (sql: string, value: string | number): void => {
    params.push(value);
    terms.push(sql.replace('?', mark(params.length)));
  };
  if (f.open === true) terms.push('cleared_at IS NULL');
  if (f.open === false) terms.push('cleared_at IS NOT NULL');
  if (f.site !== undefined) param('site = ?', f.site);
  if (f.kind !== undefined) param('kind = ?', f.kind);
  if (f.from !== undefined) param('raised_at >= ?', f.from);
  if (f.to !== undefined) param('raised_at < ?', f.to);
  return { where: terms.length ? `WHERE ${terms.join(' AND ')}` : '', params };
}
