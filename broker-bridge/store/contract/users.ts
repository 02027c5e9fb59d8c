export interface UserRecord {
  username: string;
  passwordHash: string;
  role: 'viewer' | 'manager' | 'admin';
  createdAt: number;
}

export type SessionEndReason = 'logout' | 'ended' | 'password_or_role_changed' | 'user_removed' | 'idle';

/** A dashboard login. The cookie holds a random token; only its hash is kept. */
export interface SessionRecord {
  /** A public name for the session (the sessions page ends it by this), not the token. */
  id: string;
  /** SHA-256 of the cookie's token, base64url. */
  tokenHash: string;
  username: string;
  role: UserRecord['role'];
  /** Echoed in the x-csrf-token header of every state-changing request. */
  csrf: string;
  createdAt: number;
  lastSeen: number;
  expiresAt: number;
  endedAt: number | null;
  endReason: SessionEndReason | null;
  /** The browser's User-Agent and address at login, so a person knows their sessions apart. */
  userAgent: string | null;
  address: string | null;
}


/** Dashboard users (auth/users.ts) and their login sessions (auth/sessions.ts). */
export interface UserStore {
  /** The hash only, never a password. */
  getUser(username: string): Promise<UserRecord | null>;
  /**
   * Make a user, or give one a new password or role: a changed password or role ends every
   * session of theirs (in the same transaction), as of `at` (default: `user.createdAt`, which
   * callers set to now). Resolves to the ids of the sessions it ended.
   */
  putUser(user: UserRecord, at?: number): Promise<string[]>;
  /** Remove a user and end their sessions; null when there was no such user, else the ids ended. */
  deleteUser(username: string, at: number): Promise<string[] | null>;
  countUsers(): Promise<number>;
  /**
   * Login sessions, kept here so every bridge on the store honours a logout (http/auth.ts).
   * Adding one also forgets sessions that expired more than 30 days before it.
   */
  addSession(session: SessionRecord): Promise<void>;
  /**
   * The session a cookie's token (its hash) names, if it is neither ended nor expired at `at`
   * and its user still exists; with the user's current role.
   */
  findSession(tokenHash: string, at: number): Promise<SessionRecord | null>;
  /** Note that a session was used (for the sessions page's "last seen"). */
  touchSession(id: string, at: number): Promise<void>;
  /**
   * End the live sessions that match: one by id, a user's (all of them, or all but one). Both
   * given: that one, only if it is that user's. Resolves to the ids ended.
   */
  endSessions(which: { id?: string; username?: string; exceptId?: string }, at: number, reason: SessionEndReason): Promise<string[]>;
  /** Live sessions at `at` (neither ended nor expired), a user's or everyone's, newest first. */
  listSessions(filter: { username?: string | undefined; at: number; limit: number }): Promise<SessionRecord[]>;
}
