import type { FastifyReply, FastifyRequest } from 'fastify';
import { LoginRequest, Role, replyError, roleMay, type Me, type SessionView } from '@okienko/protocol';
import { LoginLimiter, hashPassword, newPassword, parseCookies, requiredRole, verifyPassword } from '../auth/passwords.ts';
import { SESSION_MS, Sessions, type Session } from '../auth/sessions.ts';
import type { SessionRecord, UserStore } from '../store/types.ts';
import { shared } from './plugin.ts';

const SESSION_COOKIE = 'okienko_session';
const CSRF_COOKIE = 'okienko_csrf';
const USERNAME = /^[\p{L}\p{N}._@-]{1,64}$/u;

export interface AuthOptions {
  store: UserStore;
  /** Mark cookies Secure (behind HTTPS). Also set per request when it came over HTTPS. */
  secureCookies?: boolean | undefined;
  /** Real time by default: sessions last a working day of the wall clock. */
  now?: () => number;
  /** How often a live stream asks the store whether its session still holds (another bridge may end it). */
  sessionRecheckMs?: number | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    session: Session | null;
  }
}

/**
 * Login for the dashboard: every route but the public ones (auth.ts `requiredRole`) needs a
 * session of a sufficient role; every state-changing request also needs the CSRF token echoed in
 * `x-csrf-token` (the session cookie is SameSite=Strict as well). Pages without a session go to
 * the login page; API calls get 401. Sessions live in the store (sessions.ts), so a logout, a
 * new password or role and a removed user end them on every bridge at the next request.
 * The sessions are given, so the live stream can end with its session. Shared (plugin.ts): the
 * guard's hook and `req.session` reach every route; registered after helmet, so a 401 or a
 * redirect to the login page carries the security headers too.
 */
export const authPlugin = shared<AuthOptions & { sessions: Sessions }>(async (app, opts) => {
  const { sessions } = opts;
  const now = opts.now ?? Date.now;
  const limiter = new LoginLimiter();
  // Checked when a username is unknown, so a wrong name costs as long as a wrong password.
  const decoy = hashPassword(newPassword());
  app.decorateRequest('session', null);

  app.addHook('onRequest', async (req, reply) => {
    const needed = requiredRole(req.method, req.url);
    req.session = await sessions.check(parseCookies(req.headers.cookie)[SESSION_COOKIE]);
    if (!needed) return;
    if (!req.session) {
      if (req.url.startsWith('/api/') || req.method !== 'GET') return replyError(reply, 'login_required', 'sign in at /login');
      return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`);
    }
    // The same rule the dashboard hides by (protocol/roles.ts).
    if (!roleMay(req.session.role, needed)) return replyError(reply, 'forbidden', `needs the ${needed} role`);
    if (req.method !== 'GET' && req.method !== 'HEAD' && req.headers['x-csrf-token'] !== req.session.csrf) {
      return replyError(reply, 'csrf', 'missing or wrong x-csrf-token');
    }
  });

  app.post('/api/auth/login', async (req, reply) => {
    const body = LoginRequest.safeParse(req.body);
    if (!body.success) return replyError(reply, 'bad_login', 'username and password are required');
    const keys = [`user:${body.data.username}`, `ip:${req.ip}`];
    if (limiter.blocked(keys, now())) {
      return replyError(reply.header('retry-after', '900'), 'too_many_attempts', 'too many failed logins; try again in 15 minutes');
    }
    const user = await opts.store.getUser(body.data.username);
    const ok = user ? await verifyPassword(body.data.password, user.passwordHash) : (await verifyPassword(body.data.password, await decoy), false);
    if (!user || !ok) {
      limiter.failed(keys, now());
      return replyError(reply, 'bad_login', 'wrong username or password');
    }
    limiter.succeeded(keys);
    // A new session for every login, never the one the browser came with (session fixation);
    // that one ends.
    if (req.session) await sessions.end({ id: req.session.id }, 'logout');
    const { token, session } = await sessions.start(user, { userAgent: req.headers['user-agent'], address: req.ip });
    setCookies(req, reply, opts, [
      `${SESSION_COOKIE}=${token}; HttpOnly`,
      // Readable by the dashboard's script, which echoes it in x-csrf-token.
      `${CSRF_COOKIE}=${session.csrf}`,
    ], SESSION_MS / 1000);
    return { username: session.username, role: session.role, csrf: session.csrf } satisfies Me;
  });

  app.post('/api/auth/logout', async (req, reply) => {
    // Ended in the store: the cookie is worthless from now on, wherever a copy of it is.
    await sessions.end({ id: req.session!.id }, 'logout');
    setCookies(req, reply, opts, [`${SESSION_COOKIE}=; HttpOnly`, `${CSRF_COOKIE}=`], 0);
    return { ok: true };
  });

  app.get('/api/auth/me', async (req) => {
    const s = req.session!;
    return { username: s.username, role: s.role, csrf: s.csrf } satisfies Me;
  });

  // The sessions page: one's own sessions; an admin's, anyone's (OWASP: see and end them).
  app.get<{ Querystring: { user?: string; all?: string } }>('/api/sessions', async (req, reply) => {
    const me = req.session!;
    const other = req.query.all === 'true' ? undefined : (req.query.user ?? me.username);
    if (other !== me.username && me.role !== 'admin') {
      return replyError(reply, 'forbidden', "needs the admin role to see another user's sessions; leave out user and all to see your own");
    }
    return (await sessions.list(other)).map((r) => sessionView(r, me));
  });

  app.delete<{ Params: { id: string } }>('/api/sessions/:id', async (req, reply) => {
    const me = req.session!;
    // Not an admin: only one's own; a session of someone else's is "not found", not "forbidden".
    const ended = await sessions.end(me.role === 'admin' ? { id: req.params.id } : { id: req.params.id, username: me.username }, 'ended');
    if (ended.length === 0) {
      return replyError(reply, 'no_such_session', 'no live session of yours has this id: it has ended already, or reload the list of sessions');
    }
    // Ending one's own session is a logout: the cookies go too.
    if (req.params.id === me.id) setCookies(req, reply, opts, [`${SESSION_COOKIE}=; HttpOnly`, `${CSRF_COOKIE}=`], 0);
    return { ok: true, ended: ended.length };
  });

  app.post<{ Body: { username?: unknown; role?: unknown } }>('/api/users', async (req, reply) => {
    const role = Role.safeParse(req.body?.role);
    const username = typeof req.body?.username === 'string' ? req.body.username.trim() : '';
    if (!role.success || !USERNAME.test(username)) {
      return replyError(reply, 'bad_user', 'username (letters, digits, . _ @ -) and role (viewer, manager, admin) are required');
    }
    const password = newPassword();
    // An existing user gets a new password (and maybe role): their sessions end, streams too.
    sessions.announce(await opts.store.putUser({ username, role: role.data, passwordHash: await hashPassword(password), createdAt: now() }));
    return reply.code(201).send({ username, role: role.data, password });
  });

  app.delete<{ Params: { username: string } }>('/api/users/:username', async (req, reply) => {
    if (req.params.username === req.session!.username) {
      return replyError(reply, 'cannot_remove_self', 'an admin cannot remove their own user: sign in as another admin to do it');
    }
    const ended = await opts.store.deleteUser(req.params.username, now());
    if (ended === null) return replyError(reply, 'no_such_user', `there is no user "${req.params.username}": check the name`);
    sessions.announce(ended);
    return { ok: true, sessionsEnded: ended.length };
  });
}, 'okienko-auth');

function sessionView(r: SessionRecord, me: Session): SessionView {
  return { id: r.id, username: r.username, role: r.role, createdAt: r.createdAt, lastSeen: r.lastSeen, expiresAt: r.expiresAt, userAgent: r.userAgent, address: r.address, current: r.id === me.id };
}

function setCookies(req: FastifyRequest, reply: FastifyReply, opts: AuthOptions, cookies: string[], maxAgeS: number): void {
  const secure = opts.secureCookies || req.protocol === 'https' ? '; Secure' : '';
  reply.header('set-cookie', cookies.map((c) => `${c}; SameSite=Strict; Path=/; Max-Age=${maxAgeS}${secure}`));
}
