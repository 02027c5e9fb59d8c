import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LoginRequest, Role, type Me } from '@okienko/protocol';
import { LoginLimiter, SessionSigner, hashPassword, mayAct, newPassword, parseCookies, requiredRole, verifyPassword, type Session } from './auth.ts';
import type { Store } from './store/types.ts';

const SESSION_MS = 12 * 3_600_000; // a working day
const SESSION_COOKIE = 'okienko_session';
const CSRF_COOKIE = 'okienko_csrf';

export interface AuthOptions {
  store: Store;
  signer: SessionSigner;
  /** Mark cookies Secure (behind HTTPS). Also set per request when it came over HTTPS. */
  secureCookies?: boolean | undefined;
  now?: () => number;
}

declare module 'fastify' {
  interface FastifyRequest {
    session: Session | null;
  }
}

/** The signing secret, made once and shared through the store by every bridge on it. */
export async function sessionSigner(store: Store): Promise<SessionSigner> {
  return new SessionSigner(Buffer.from(await store.setting('session_secret', () => randomBytes(32).toString('base64url')), 'base64url'));
}

/**
 * Login for the dashboard: every route but the public ones (auth.ts `requiredRole`) needs a
 * session of a sufficient role; every state-changing request also needs the CSRF token echoed in
 * `x-csrf-token` (the session cookie is SameSite=Strict as well). Pages without a session go to
 * the login page; API calls get 401.
 */
export function registerAuth(app: FastifyInstance, opts: AuthOptions): void {
  const now = opts.now ?? Date.now;
  const limiter = new LoginLimiter();
  // Checked when a username is unknown, so a wrong name costs as long as a wrong password.
  const decoy = hashPassword(newPassword());
  app.decorateRequest('session', null);

  app.addHook('onRequest', async (req, reply) => {
    const needed = requiredRole(req.method, req.url);
    req.session = opts.signer.verify(parseCookies(req.headers.cookie)[SESSION_COOKIE], now());
    if (!needed) return;
    if (!req.session) {
      if (req.url.startsWith('/api/') || req.method !== 'GET') return reply.code(401).send({ error: 'login_required', message: 'sign in at /login' });
      return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`);
    }
    if (!mayAct(req.session.role, needed)) return reply.code(403).send({ error: 'forbidden', message: `needs the ${needed} role` });
    if (req.method !== 'GET' && req.method !== 'HEAD' && req.headers['x-csrf-token'] !== req.session.csrf) {
      return reply.code(403).send({ error: 'csrf', message: 'missing or wrong x-csrf-token' });
    }
  });

  app.post('/api/auth/login', async (req, reply) => {
    const body = LoginRequest.safeParse(req.body);
    if (!body.success) return reply.code(400).send({ error: 'bad_login', message: 'username and password are required' });
    const keys = [`user:${body.data.username}`, `ip:${req.ip}`];
    if (limiter.blocked(keys, now())) {
      return reply.code(429).header('retry-after', '900').send({ error: 'too_many_attempts', message: 'too many failed logins; try again in 15 minutes' });
    }
    const user = await opts.store.getUser(body.data.username);
    const ok = user ? await verifyPassword(body.data.password, user.passwordHash) : (await verifyPassword(body.data.password, await decoy), false);
    if (!user || !ok) {
      limiter.failed(keys, now());
      return reply.code(401).send({ error: 'bad_login', message: 'wrong username or password' });
    }
    limiter.succeeded(keys);
    const session: Session = { username: user.username, role: user.role, csrf: randomBytes(18).toString('base64url'), expires: now() + SESSION_MS };
    setCookies(req, reply, opts, [
      `${SESSION_COOKIE}=${opts.signer.sign(session)}; HttpOnly`,
      // Readable by the dashboard's script, which echoes it in x-csrf-token.
      `${CSRF_COOKIE}=${session.csrf}`,
    ], SESSION_MS / 1000);
    return { username: session.username, role: session.role, csrf: session.csrf } satisfies Me;
  });

  app.post('/api/auth/logout', async (req, reply) => {
    setCookies(req, reply, opts, [`${SESSION_COOKIE}=; HttpOnly`, `${CSRF_COOKIE}=`], 0);
    return { ok: true };
  });

  app.get('/api/auth/me', async (req) => {
    const s = req.session!;
    return { username: s.username, role: s.role, csrf: s.csrf } satisfies Me;
  });

  app.post<{ Body: { username?: unknown; role?: unknown } }>('/api/users', async (req, reply) => {
    const role = Role.safeParse(req.body?.role);
    const username = typeof req.body?.username === 'string' ? req.body.username.trim() : '';
    if (!role.success || !/^[\p{L}\p{N}._@-]{1,64}$/u.test(username)) {
      return reply.code(400).send({ error: 'bad_user', message: 'username (letters, digits, . _ @ -) and role (viewer, manager, admin) are required' });
    }
    const password = newPassword();
    await opts.store.putUser({ username, role: role.data, passwordHash: await hashPassword(password), createdAt: now() });
    return reply.code(201).send({ username, role: role.data, password });
  });
}

function setCookies(req: FastifyRequest, reply: FastifyReply, opts: AuthOptions, cookies: string[], maxAgeS: number): void {
  const secure = opts.secureCookies || req.protocol === 'https' ? '; Secure' : '';
  reply.header('set-cookie', cookies.map((c) => `${c}; SameSite=Strict; Path=/; Max-Age=${maxAgeS}${secure}`));
}

/** The first admin (or a reset): a new random password, printed once by the caller. */
export async function createUser(store: Store, username: string, role: Role): Promise<string> {
  const password = newPassword();
  await store.putUser({ username, role, passwordHash: await hashPassword(password), createdAt: Date.now() });
  return password;
}
