import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { SqliteStore, createUser, PasswordFile, verifySecret } from '@okienko/broker-bridge';
import { Ingest } from '../../broker-bridge/ingest/ingest.ts';
import { LiveHub } from '../../broker-bridge/live/hub.ts';
import { NoticeBoard } from '../../broker-bridge/notices/board.ts';
import { buildHttp } from '../../broker-bridge/http/server.ts';
import { hashPassword, verifyPassword } from '../../broker-bridge/auth/passwords.ts';
import { updateCounter } from '../helpers/store-writes.ts';

const log = pino({ level: 'silent' });
let app: FastifyInstance;
let store: SqliteStore;
let now: number;
let passwordFile: string;
const passwords: Record<string, string> = {};

beforeEach(async () => {
  store = new SqliteStore(':memory:');
  now = Date.UTC(2026, 10, 23, 8, 0);
  const hub = new LiveHub(store, 'Europe/Warsaw');
  const ingest = new Ingest(store, { onEvent: () => {}, onCounter: () => {} }, log);
  const notices = new NoticeBoard(store, async () => {}, log);
  passwordFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-auth-')), 'passwd');
  app = buildHttp({ store, hub, ingest, mqttConnected: () => true, log, notices, passwordFile, auth: { store, now: () => now } });
  await app.ready();
  for (const role of ['viewer', 'manager', 'admin'] as const) passwords[role] = await createUser(store, role, role);
});
afterEach(() => app.close());

async function login(username: string, password = passwords[username]!): Promise<{ cookie: string; csrf: string; status: number }> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  const set = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return { status: res.statusCode, cookie: set.map((c) => c.split(';')[0]).join('; '), csrf: res.statusCode === 200 ? (res.json() as { csrf: string }).csrf : '' };
}

const notice = { site: 'ratusz', text: 'Przerwa techniczna', from: 'BOM', minutes: 5 };

describe('dashboard login', () => {
  it('keeps passwords only as slow salted hashes', async () => {
    const h = await hashPassword('tajne hasło');
    expect(h).toMatch(/^\$scrypt\$32768\$8\$1\$/);
    expect(h).not.toContain('tajne');
    expect(await hashPassword('tajne hasło')).not.toBe(h); // salted
    expect(await verifyPassword('tajne hasło', h)).toBe(true);
    expect(await verifyPassword('tajne haslo', h)).toBe(false);
  });

  it('refuses every manager route without a session; the lobby, health and login stay public', async () => {
    for (const url of ['/api/counters', '/api/events', '/api/alerts', '/api/notices', '/api/reports/feedback', '/api/stream', '/api/auth/me']) {
      expect((await app.inject(url)).statusCode, url).toBe(401);
    }
    expect((await app.inject({ method: 'POST', url: '/api/notices', payload: notice })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/users', payload: { username: 'x', role: 'admin' } })).statusCode).toBe(401);
    const page = await app.inject('/');
    expect(page.statusCode).toBe(302);
    expect(page.headers.location).toBe('/login?next=%2F');
    expect((await app.inject('/api/public/lobby')).statusCode).toBe(200);
    expect((await app.inject('/api/health')).statusCode).toBe(200);
  });

  it('sets an HttpOnly, SameSite=Strict session cookie; a forged or expired one is refused', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'viewer', password: passwords.viewer } });
    const set = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    expect(set.find((c) => c.startsWith('okienko_session='))).toMatch(/HttpOnly; SameSite=Strict; Path=\/; Max-Age=43200/);
    const { cookie } = await login('viewer');
    expect((await app.inject({ url: '/api/counters', headers: { cookie } })).statusCode).toBe(200);
    // The cookie is a random token the store knows; one changed by a character is no one's.
    const token = /okienko_session=([^;]+)/.exec(cookie)![1]!;
    expect(token).toMatch(/^[\w-]{43}$/);
    const forged = cookie.replace(token, `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`);
    expect((await app.inject({ url: '/api/counters', headers: { cookie: forged } })).statusCode).toBe(401);
    // Only its hash is kept: the store holds nothing that would sign anyone in.
    expect(JSON.stringify(await store.listSessions({ at: now, limit: 10 }))).not.toContain(token);
    now += 13 * 3_600_000;
    expect((await app.inject({ url: '/api/counters', headers: { cookie } })).statusCode).toBe(401);
  });

  it('needs the CSRF token on every change, and the right role', async () => {
    const manager = await login('manager');
    const post = (s: { cookie: string }, csrf?: string) =>
      app.inject({ method: 'POST', url: '/api/notices', payload: notice, headers: { cookie: s.cookie, ...(csrf ? { 'x-csrf-token': csrf } : {}) } });
    expect((await post(manager)).statusCode).toBe(403); // no token: a forged cross-site form
    expect((await post(manager, 'wrong')).statusCode).toBe(403);
    expect((await post(manager, manager.csrf)).statusCode).toBe(201);
    const viewer = await login('viewer');
    expect((await post(viewer, viewer.csrf)).statusCode).toBe(403); // viewers look only
    const users = (s: { cookie: string; csrf: string }) =>
      app.inject({ method: 'POST', url: '/api/users', payload: { username: 'ewa', role: 'manager' }, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });
    expect((await users(manager)).statusCode).toBe(403);
    const admin = await login('admin');
    const made = await users(admin);
    expect(made.statusCode).toBe(201);
    expect((await login('ewa', (made.json() as { password: string }).password)).status).toBe(200);
    // A new counter's broker credentials: admins only; only the hash is kept.
    const device = (s: { cookie: string; csrf: string }) =>
      app.inject({ method: 'POST', url: '/api/devices', payload: { site: 'ratusz', counter: 'okienko-9' }, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });
    expect((await device(manager)).statusCode).toBe(403);
    const creds = await device(admin);
    expect(creds.statusCode).toBe(201);
    const { username, password } = creds.json() as { username: string; password: string };
    expect(username).toBe('ratusz/okienko-9');
    expect(fs.readFileSync(passwordFile, 'utf8')).toMatch(/^ratusz\/okienko-9:\$7\$/);
    expect(fs.readFileSync(passwordFile, 'utf8')).not.toContain(password);
  });

  it('refuses to replace a counter\'s credentials without "replace": true, and lists counters provisioned but never seen', async () => {
    const admin = await login('admin');
    const device = (payload: Record<string, unknown>) =>
      app.inject({ method: 'POST', url: '/api/devices', payload, headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf } });
    const first = await device({ site: 'ratusz', counter: 'okienko-9' });
    expect(first.statusCode).toBe(201);
    const { password } = first.json() as { password: string };
    const hash = () => new PasswordFile(passwordFile).read().get('ratusz/okienko-9')!;
    const before = hash();
    // Asked again, as a second click on "Create credentials" did: the running counter keeps its secret.
    const again = await device({ site: 'ratusz', counter: 'okienko-9' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: 'device_has_credentials', online: false, lastSeen: null });
    expect((again.json() as { message: string }).message).toMatch(/ratusz\/okienko-9 has credentials already: .*"replace": true/);
    expect(hash()).toBe(before);
    expect(verifySecret(password, hash())).toBe(true);
    // Confirmed: replaced, and the old secret lets no one in any more.
    const replaced = await device({ site: 'ratusz', counter: 'okienko-9', replace: true });
    expect(replaced.statusCode).toBe(201);
    expect(verifySecret(password, hash())).toBe(false);
    expect(verifySecret((replaced.json() as { password: string }).password, hash())).toBe(true);
    // A bad id names the rule.
    const bad = await device({ site: 'Ratusz', counter: 'okienko-9' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ error: 'bad_device', message: 'site and counter: use 1-32 lowercase letters, digits or "-", not starting or ending with "-"' });
    // Provisioned: okienko-9 never seen, okienko-1 seen (it sent its state); the bridge's own user is no counter.
    expect((await device({ site: 'ratusz', counter: 'okienko-1' })).statusCode).toBe(201);
    new PasswordFile(passwordFile).set('okienko-bridge');
    await updateCounter(store, { site: 'ratusz', counter: 'okienko-1' }, () => ({ site: 'ratusz', counter: 'okienko-1', status: 'available', online: true, bootId: null, clerk: null, since: now, notice: null, seq: 1, scale: 4, lastSeen: now, panelUrl: null, version: null }));
    const listed = await app.inject({ url: '/api/devices/credentials', headers: { cookie: admin.cookie } });
    expect(listed.json()).toEqual([
      { site: 'ratusz', counter: 'okienko-1', seen: true },
      { site: 'ratusz', counter: 'okienko-9', seen: false },
    ]);
    const online = await device({ site: 'ratusz', counter: 'okienko-1' });
    expect(online.json()).toMatchObject({ error: 'device_has_credentials', online: true, lastSeen: now });
    expect((await app.inject({ url: '/api/devices/credentials', headers: { cookie: (await login('manager')).cookie } })).statusCode).toBe(403);
  });

  it('limits failed logins per user and per address: refused even with the right password', async () => {
    for (let i = 0; i < 5; i++) expect((await login('manager', 'wrong')).status).toBe(401);
    expect((await login('manager')).status).toBe(429);
    expect((await login('nobody', 'x')).status).toBe(429); // same address
    now += 16 * 60_000;
    expect((await login('manager')).status).toBe(200);
  });
});
