import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { SessionView } from '@okienko/protocol';
import { SqliteStore, createUser } from '@okienko/broker-bridge';
import { Ingest } from '../../broker-bridge/ingest/ingest.ts';
import { LiveHub } from '../../broker-bridge/live/hub.ts';
import { SESSION_IDLE_MS } from '../../broker-bridge/auth/sessions.ts';
import { buildHttp } from '../../broker-bridge/http/server.ts';
import { waitFor } from '../helpers/net.ts';

const log = pino({ level: 'silent' });
const opened: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const x of opened.splice(0).reverse()) await x.close();
});

/** A bridge's HTTP side on a store file; two of them on one file are two bridges sharing a database. */
async function bridge(file: string, opts: { now?: () => number; recheckMs?: number } = {}): Promise<{ app: FastifyInstance; store: SqliteStore }> {
  const store = new SqliteStore(file);
  const hub = new LiveHub(store, 'Europe/Warsaw');
  const ingest = new Ingest(store, { onEvent: () => {}, onCounter: () => {} }, log);
  const app = buildHttp({ store, hub, ingest, mqttConnected: () => true, log, auth: { store, now: opts.now, sessionRecheckMs: opts.recheckMs } });
  await app.ready();
  opened.push(store, app);
  return { app, store };
}

const storeFile = (): string => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-sessions-')), 'okienko.db');

interface Signed {
  cookie: string;
  csrf: string;
}

async function login(app: FastifyInstance, username: string, password: string, userAgent = 'test'): Promise<Signed> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, headers: { 'user-agent': userAgent } });
  expect(res.statusCode, res.body).toBe(200);
  const set = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return { cookie: set.map((c) => c.split(';')[0]).join('; '), csrf: (res.json() as { csrf: string }).csrf };
}

const get = (app: FastifyInstance, s: Signed, url = '/api/counters') => app.inject({ url, headers: { cookie: s.cookie } });
const call = (app: FastifyInstance, s: Signed, method: 'POST' | 'DELETE', url: string, payload?: unknown) =>
  app.inject({ method, url, payload: payload as Record<string, unknown>, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });

/** Reads a live stream until it ends; resolves to what it sent. */
async function readStream(base: string, s: Signed): Promise<{ opened: Promise<void>; ended: Promise<string> }> {
  const res = await fetch(`${base}/api/stream`, { headers: { cookie: s.cookie } });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  let text = '';
  let opened!: () => void;
  const openedP = new Promise<void>((r) => (opened = r));
  const ended = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text;
      text += Buffer.from(value).toString();
      if (text.includes('event: snapshot')) opened();
    }
  })();
  return { opened: openedP, ended };
}

describe('login sessions kept in the store', () => {
  it('ends a session at logout: a copy of its cookie signs in no more', async () => {
    const { app, store } = await bridge(storeFile());
    const password = await createUser(store, 'ewa', 'manager');
    const s = await login(app, 'ewa', password);
    expect((await get(app, s)).statusCode).toBe(200);
    expect((await call(app, s, 'POST', '/api/auth/logout')).statusCode).toBe(200);
    // The browser dropped its copy; one kept elsewhere (a stolen cookie) is refused too.
    const after = await get(app, s);
    expect(after.statusCode).toBe(401);
    expect(after.json()).toEqual({ error: 'login_required', message: 'sign in at /login' });
    // A second login is a new session, and works.
    expect((await get(app, await login(app, 'ewa', password))).statusCode).toBe(200);
  });

  it('ends a session left unused past the idle limit; one in use lives on, each time', async () => {
    let now = Date.UTC(2026, 2, 2, 7, 0);
    const { app, store } = await bridge(storeFile(), { now: () => now });
    const password = await createUser(store, 'ewa', 'manager');
    const busy = await login(app, 'ewa', password);
    const idle = await login(app, 'ewa', password);
    for (let i = 0; i < 3; i++) {
      now += SESSION_IDLE_MS - 60_000; // used just within the limit, three times over
      expect((await get(app, busy)).statusCode).toBe(200);
    }
    expect((await get(app, idle)).statusCode).toBe(401);
    expect((await get(app, busy)).statusCode).toBe(200);
    const [left] = await store.listSessions({ username: 'ewa', at: now, limit: 10 });
    expect((await store.listSessions({ username: 'ewa', at: now, limit: 10 })).length).toBe(1);
    expect(left!.createdAt).toBe(Date.UTC(2026, 2, 2, 7, 0));
  });

  it('ends every session of a user given a new password or role, or removed; other users keep theirs', async () => {
    const { app, store } = await bridge(storeFile());
    const admin = await login(app, 'root', await createUser(store, 'root', 'admin'));
    let password = await createUser(store, 'ewa', 'admin');
    const office = await login(app, 'ewa', password, 'office PC');
    const phone = await login(app, 'ewa', password, 'phone');
    const other = await login(app, 'jan', await createUser(store, 'jan', 'viewer'));
    // A lowered role: the admin rights of the old session end with it (before: kept for 12 hours).
    const lowered = await call(app, admin, 'POST', '/api/users', { username: 'ewa', role: 'viewer' });
    expect(lowered.statusCode).toBe(201);
    for (const s of [office, phone]) expect((await get(app, s)).statusCode).toBe(401);
    expect((await get(app, other)).statusCode).toBe(200);
    expect((await get(app, admin)).statusCode).toBe(200);
    password = (lowered.json() as { password: string }).password;
    const again = await login(app, 'ewa', password);
    expect((await call(app, again, 'POST', '/api/users', { username: 'x', role: 'admin' })).statusCode).toBe(403);
    // A new password by the command line (another process on the same store).
    await createUser(store, 'ewa', 'viewer');
    expect((await get(app, again)).statusCode).toBe(401);
    // Removed: their sessions end, and the user is gone.
    expect((await call(app, admin, 'DELETE', '/api/users/jan')).json()).toEqual({ ok: true, sessionsEnded: 1 });
    expect((await get(app, other)).statusCode).toBe(401);
    expect(await store.getUser('jan')).toBeNull();
    const missing = await call(app, admin, 'DELETE', '/api/users/jan');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: 'no_such_user' });
    const self = await call(app, admin, 'DELETE', '/api/users/root');
    expect(self.statusCode).toBe(409);
    expect(self.json()).toMatchObject({ error: 'cannot_remove_self' });
  });

  it('lists a user\'s sessions (who, created, last seen) and ends one of them; others\' only for admins', async () => {
    let now = Date.UTC(2026, 11, 3, 8, 0);
    const { app, store } = await bridge(storeFile(), { now: () => now });
    const password = await createUser(store, 'ewa', 'viewer');
    const office = await login(app, 'ewa', password, 'office PC');
    now += 5 * 60_000;
    const phone = await login(app, 'ewa', password, 'phone');
    now += 10 * 60_000;
    expect((await get(app, office)).statusCode).toBe(200); // seen now
    // The listing request itself is the phone's latest sight.
    const list = (await get(app, phone, '/api/sessions')).json() as SessionView[];
    expect(list.map((x) => [x.username, x.userAgent, x.current, x.createdAt, x.lastSeen])).toEqual([
      ['ewa', 'phone', true, Date.UTC(2026, 11, 3, 8, 5), Date.UTC(2026, 11, 3, 8, 15)],
      ['ewa', 'office PC', false, Date.UTC(2026, 11, 3, 8, 0), Date.UTC(2026, 11, 3, 8, 15)],
    ]);
    expect(JSON.stringify(list)).not.toMatch(/token|csrf/i);
    // A viewer ends their own other session (they may: it is theirs) …
    const officeId = list[1]!.id;
    expect((await call(app, phone, 'DELETE', `/api/sessions/${officeId}`)).statusCode).toBe(200);
    expect((await get(app, office)).statusCode).toBe(401);
    expect((await get(app, phone, '/api/sessions')).json()).toHaveLength(1);
    // … but sees and ends no one else's.
    const root = await login(app, 'root', await createUser(store, 'root', 'admin'));
    const rootId = ((await get(app, root, '/api/sessions')).json() as SessionView[])[0]!.id;
    const denied = await get(app, phone, '/api/sessions?user=root');
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toMatchObject({ error: 'forbidden' });
    const notYours = await call(app, phone, 'DELETE', `/api/sessions/${rootId}`);
    expect(notYours.statusCode).toBe(404);
    expect(notYours.json()).toMatchObject({ error: 'no_such_session' });
    expect((await get(app, root)).statusCode).toBe(200);
    // An admin sees everyone's and ends any.
    expect(((await get(app, root, '/api/sessions?all=true')).json() as SessionView[]).map((x) => x.username).sort()).toEqual(['ewa', 'root']);
    const phoneId = ((await get(app, root, '/api/sessions?user=ewa')).json() as SessionView[])[0]!.id;
    expect((await call(app, root, 'DELETE', `/api/sessions/${phoneId}`)).statusCode).toBe(200);
    expect((await get(app, phone)).statusCode).toBe(401);
    // Past the working day a session ends by itself.
    now += 12 * 3_600_000;
    expect((await get(app, root)).statusCode).toBe(401);
  });

  it('is ended for every bridge on the store: a logout on one bridge signs out on the other', async () => {
    const file = storeFile();
    const a = await bridge(file);
    const b = await bridge(file);
    const s = await login(a.app, 'ewa', await createUser(a.store, 'ewa', 'manager'));
    expect((await get(b.app, s)).statusCode).toBe(200);
    expect((await call(b.app, s, 'POST', '/api/auth/logout')).statusCode).toBe(200);
    expect((await get(a.app, s)).statusCode).toBe(401);
  });

  it('ends a live stream when its session ends: at once on its own bridge, soon on another one', async () => {
    const file = storeFile();
    const a = await bridge(file);
    const b = await bridge(file, { recheckMs: 50 });
    const baseA = await a.app.listen({ host: '127.0.0.1', port: 0 });
    const baseB = await b.app.listen({ host: '127.0.0.1', port: 0 });
    const password = await createUser(a.store, 'ewa', 'manager');
    // Logout on the stream's own bridge.
    const first = await login(a.app, 'ewa', password);
    const here = await readStream(baseA, first);
    await here.opened;
    expect((await call(a.app, first, 'POST', '/api/auth/logout')).statusCode).toBe(200);
    expect(await here.ended).toContain('event: session_ended');
    // A new password given on another bridge: this bridge's stream hears of it from the store.
    const second = await login(a.app, 'ewa', password);
    const there = await readStream(baseB, second);
    await there.opened;
    await createUser(a.store, 'ewa', 'manager');
    expect(await there.ended).toContain('event: session_ended');
    // The browser's reconnect is refused.
    expect((await fetch(`${baseB}/api/stream`, { headers: { cookie: second.cookie } })).status).toBe(401);
  });

  it('counts an open live stream as the session being in use (last seen moves on while the board is open)', async () => {
    let now = Date.UTC(2026, 11, 3, 8, 0);
    const { app, store } = await bridge(storeFile(), { now: () => now, recheckMs: 20 });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const s = await login(app, 'ewa', await createUser(store, 'ewa', 'viewer'));
    const stream = await readStream(base, s);
    await stream.opened;
    now += 10 * 60_000;
    await waitFor(async () => (await store.listSessions({ username: 'ewa', at: now, limit: 1 }))[0]?.lastSeen === now, { what: 'last seen moved on' });
    now += 12 * 3_600_000; // past its working day: the stream ends too
    expect(await stream.ended).toContain('event: session_ended');
  });
});
