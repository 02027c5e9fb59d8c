import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { Role } from '@okienko/protocol';

/**
 * Dashboard passwords: scrypt with N = 2^15 (≈ 50 ms and 32 MB per check here) — slow on purpose,
 * so a stolen table costs an attacker that much per guess; logins are rare, so we can afford it.
 * Stored as `$scrypt$N$r$p$salt$hash` (base64url), so the cost can be raised later per user.
 */
const N = 2 ** 15;
const R = 8;
const P = 1;
const KEYLEN = 32;
const MAXMEM = 64 * 1024 * 1024;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, KEYLEN, { N: n, r, p, maxmem: MAXMEM }, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return `$scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [, kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const key = await derive(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p));
  const expected = Buffer.from(hash, 'base64url');
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A random password to print once: 96 bits, easy to type (no look-alike characters). */
export function newPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  return Array.from(randomBytes(20), (b) => alphabet[b % alphabet.length]).join('');
}

/**
 * Failed logins per username and per address: after `max` failures in the window, further tries
 * are refused without checking the password (429), which also spares the CPU scrypt would cost.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max = 5,
    private readonly windowMs = 15 * 60_000,
  ) {}

  blocked(keys: string[], now: number): boolean {
    return keys.some((k) => this.recent(k, now).length >= this.max);
  }

  failed(keys: string[], now: number): void {
    for (const k of keys) this.failures.set(k, [...this.recent(k, now), now]);
    // Made-up usernames must not grow this forever: forget what is past the window.
    if (this.failures.size > 10_000) for (const k of [...this.failures.keys()]) if (this.recent(k, now).length === 0) this.failures.delete(k);
  }

  succeeded(keys: string[]): void {
    for (const k of keys) this.failures.delete(k);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
  }
}

/** The least role a request needs; null: public. */
export function requiredRole(method: string, url: string): Role | null {
  const path = url.split('?')[0]!;
  if (isPublic(path)) return null;
  if (path === '/api/auth/logout') return 'viewer';
  // Everyone may see and end their own sessions; the routes let admins at everyone's.
  if (path === '/api/sessions' || path.startsWith('/api/sessions/')) return 'viewer';
  const adminOnly = path.startsWith('/api/users') || path.startsWith('/api/devices');
  if (method === 'GET' || method === 'HEAD') return adminOnly ? 'admin' : 'viewer';
  if (adminOnly) return 'admin';
  return 'manager';
}

/**
 * What anyone may reach: the lobby board and its data, the login page, health for monitoring,
 * metrics for Prometheus (counts only), and the demo's virtual panels.
 */
function isPublic(path: string): boolean {
  return (
    path === '/lobby' ||
    /^\/lobby\.(html|js|css)(\.map)?$/.test(path) ||
    path.startsWith('/api/public/') ||
    path === '/login' ||
    /^\/login\.(html|js)(\.map)?$/.test(path) ||
    path === '/styles.css' ||
    path === '/api/auth/login' ||
    path === '/api/health' ||
    path === '/metrics' ||
    path === '/sim' ||
    path.startsWith('/sim/') ||
    /^\/panel\.(html|js)(\.map)?$/.test(path)
  );
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}
