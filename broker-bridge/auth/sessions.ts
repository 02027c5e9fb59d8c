import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { SessionEndReason, SessionRecord, UserRecord, UserStore } from '../store/types.ts';

/** A working day: after it, a session ends however busy it was. */
export const SESSION_MS = 12 * 3_600_000;
/**
 * Unused this long, a session ends (OWASP: 15-30 minutes for an application of this risk). An
 * open board's live stream counts as use (`watch`), so a hall or desk screen stays signed in.
 */
export const SESSION_IDLE_MS = 30 * 60_000;
/** A session's "last seen" is written at most this often: not a write per request. */
const TOUCH_MS = 60_000;

/** What a request knows of its session (`req.session`). */
export interface Session {
  id: string;
  username: string;
  role: UserRecord['role'];
  /** Echoed in the x-csrf-token header of every state-changing request. */
  csrf: string;
  /** Epoch ms. */
  expires: number;
  /** The token's hash: how a live stream asks the store whether its session still holds. */
  tokenHash: string;
}

const hashToken = (token: string): string => createHash('sha256').update(token).digest('base64url');

const view = (r: SessionRecord): Session => ({ id: r.id, username: r.username, role: r.role, csrf: r.csrf, expires: r.expiresAt, tokenHash: r.tokenHash });

/**
 * Login sessions, kept in the store (OWASP's session management): the cookie holds 256 random
 * bits, the store only their hash, so every bridge on the store sees a logout, a new password or
 * role and a removed user at the next request. Before, sessions were signed cookies checked
 * against nothing, good for 12 hours whatever happened to the user.
 *
 * A live stream lasts longer than a request: `watch` ends it when its session ends — at once when
 * this bridge ended it, and within `recheckMs` when another bridge on the store did.
 */
export class Sessions {
  private readonly ended = new EventEmitter();

  constructor(
    private readonly store: UserStore,
    private readonly now: () => number,
    private readonly recheckMs = 15_000,
  ) {
    this.ended.setMaxListeners(0);
  }

  /** A new session for a user who just proved who they are; the token goes in the cookie only. */
  async start(user: UserRecord, meta: { userAgent?: string | undefined; address?: string | undefined }): Promise<{ token: string; session: Session }> {
    const token = randomBytes(32).toString('base64url');
    const at = this.now();
    const record: SessionRecord = {
      id: randomUUID(),
      tokenHash: hashToken(token),
      username: user.username,
      role: user.role,
      csrf: randomBytes(18).toString('base64url'),
      createdAt: at,
      lastSeen: at,
      expiresAt: at + SESSION_MS,
      endedAt: null,
      endReason: null,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
      address: meta.address ?? null,
    };
    await this.store.addSession(record);
    return { token, session: view(record) };
  }

  /** The live session a cookie's token names, or null; notes that it was seen. */
  async check(token: string | undefined): Promise<Session | null> {
    if (!token || token.length > 200) return null;
    const at = this.now();
    const r = await this.store.findSession(hashToken(token), at);
    if (!r) return null;
    if (at - r.lastSeen > SESSION_IDLE_MS) {
      await this.end({ id: r.id }, 'idle');
      return null;
    }
    if (at - r.lastSeen >= TOUCH_MS) await this.store.touchSession(r.id, at);
    return view(r);
  }

  /** End sessions (Store.endSessions) and cut this bridge's live streams of them at once. */
  async end(which: { id?: string; username?: string; exceptId?: string }, reason: SessionEndReason): Promise<string[]> {
    return this.announce(await this.store.endSessions(which, this.now(), reason));
  }

  /** Sessions the store ended by other means (a new password, a removed user): cut their streams. */
  announce(ids: readonly string[]): string[] {
    for (const id of ids) this.ended.emit(id);
    return [...ids];
  }

  list(username: string | undefined): Promise<SessionRecord[]> {
    return this.store.listSessions({ username, at: this.now(), limit: 500 });
  }

  /** Calls `onEnd` once when the session ends (here or on another bridge); returns the unwatch. */
  watch(session: Session, onEnd: () => void): () => void {
    let done = false;
    const finish = (): void => {
      if (done) return;
      stop();
      onEnd();
    };
    const timer = setInterval(() => {
      const at = this.now();
      this.store.findSession(session.tokenHash, at).then(
        async (r) => {
          if (!r) return finish();
          // A board left open makes no requests: its stream is what shows it is in use.
          if (at - r.lastSeen >= TOUCH_MS) await this.store.touchSession(r.id, at);
        },
        () => {}, // the store unreachable: the stream goes on, the next check asks again
      ).catch(() => {});
    }, this.recheckMs);
    timer.unref();
    this.ended.on(session.id, finish);
    const stop = (): void => {
      done = true;
      clearInterval(timer);
      this.ended.off(session.id, finish);
    };
    return stop;
  }
}
