import type { Page } from 'playwright-core';
import { createUser, type Store } from '@okienko/broker-bridge';
import { okienko } from './okienko.ts';

/** A signed-in HTTP client for a bridge's API: the session cookie, and the CSRF token echoed on writes. */
export interface Api {
  get(path: string): Promise<Response>;
  post(path: string, body?: unknown): Promise<Response>;
  del(path: string): Promise<Response>;
  json<T>(path: string): Promise<T>;
  /** The session cookie, for requests made by hand (a live stream read raw). */
  cookie: string;
}

export async function signIn(base: string, username: string, password: string): Promise<Api> {
  const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (!res.ok) throw new Error(`login as ${username} failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrf } = (await res.json()) as { csrf: string };
  const write = (method: string) => (path: string, body?: unknown) =>
    fetch(`${base}${path}`, { method, headers: { cookie, 'x-csrf-token': csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const api: Api = {
    get: (path) => fetch(`${base}${path}`, { headers: { cookie } }),
    post: write('POST'),
    del: write('DELETE'),
    json: async <T>(path: string) => (await api.get(path)).json() as Promise<T>,
    cookie,
  };
  return api;
}

/**
 * A username of its own for each sign-in: sessions live in the store, and making the same user
 * again (a new password) would end the session another bridge on that store signed in with.
 */
let made = 0;
const newAdminName = (): string => `test-admin-${process.pid}-${++made}`;

/** An admin made straight in the store (in-process bridges), signed in. */
export async function signInAsNewAdmin(base: string, store: Store, username = newAdminName()): Promise<Api> {
  return signIn(base, username, await createUser(store, username, 'admin'));
}

/** An admin made with `okienko user` on a store a bridge process uses, as an IT admin would. */
export async function signInWithCli(base: string, store: string, username = newAdminName()): Promise<Api> {
  const p = okienko(['user', '--store', store, '--username', username, '--role', 'admin', '--json']);
  if ((await p.exited) !== 0) throw new Error(`okienko user failed: ${p.output()}`);
  const { password } = JSON.parse(p.output().trim().split('\n').at(-1)!) as { password: string };
  return signIn(base, username, password);
}

/** The demo admin's password that `okienko start` prints on its first start. */
export function demoAdminPassword(output: string): string {
  const m = /Sign in as:\s+admin \/ (\S+)/.exec(output);
  if (!m) throw new Error(`no demo admin in the output of okienko start:\n${output}`);
  return m[1]!;
}

/** Sign a browser page in through the login page, as a person would. */
export async function signInPage(page: Page, base: string, username: string, password: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByLabel('Użytkownik').fill(username);
  await page.getByLabel('Hasło').fill(password);
  await page.getByRole('button', { name: 'Zaloguj' }).click();
  await page.waitForURL(`${base}/`);
}
