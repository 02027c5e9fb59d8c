import { describe, expect, it } from 'vitest';
import { at, bothStores } from './stores.ts';

// UserStore: users and their login sessions.

const { stores } = bothStores();

describe.each(Object.entries(stores))('Store contract, users: %s', (_name, open) => {
  it('keeps login sessions: found by token hash while live and the user exists, ended by id or user, listed newest first', async () => {
    const { store, reopen } = await open();
    const H = 3_600_000;
    const user = (username: string, role: 'viewer' | 'admin', hash = 'h1') => ({ username, role, passwordHash: hash, createdAt: at });
    expect(await store.putUser(user('ewa', 'admin'))).toEqual([]);
    await store.putUser(user('jan', 'viewer'));
    let n = 0;
    const session = (username: string, createdAt: number) => {
      n++;
      return {
        id: `${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`, tokenHash: `hash-${n}`, username, role: 'admin' as const, csrf: `csrf-${n}`,
        createdAt, lastSeen: createdAt, expiresAt: createdAt + 12 * H, endedAt: null, endReason: null, userAgent: n === 1 ? 'Firefox — ąę' : null, address: '127.0.0.1',
      };
    };
    const [office, phone, other] = [session('ewa', at), session('ewa', at + 1000), session('jan', at + 2000)];
    for (const x of [office, phone, other]) await store.addSession(x);
    // Found while live, with the user's role as it is now.
    expect(await store.findSession('hash-1', at + H)).toEqual(office);
    expect(await store.findSession('hash-3', at + H)).toEqual({ ...other, role: 'viewer' });
    expect(await store.findSession('nobody', at)).toBeNull();
    expect(await store.findSession('hash-1', at + 12 * H)).toBeNull(); // expired
    await store.touchSession(office.id, at + 60_000);
    await store.touchSession(office.id, at + 30_000); // never back in time
    expect(await store.findSession('hash-1', at + H)).toMatchObject({ lastSeen: at + 60_000 });
    expect((await store.listSessions({ username: 'ewa', at: at + H, limit: 10 })).map((x) => x.id)).toEqual([phone.id, office.id]);
    expect((await store.listSessions({ at: at + H, limit: 10 })).map((x) => x.id)).toEqual([other.id, phone.id, office.id]);
    // One by id; one only if it is that user's; all of a user's but one; nothing when nothing is named.
    expect(await store.endSessions({ id: other.id, username: 'ewa' }, at + H, 'ended')).toEqual([]);
    expect(await store.endSessions({}, at + H, 'ended')).toEqual([]);
    expect(await store.endSessions({ id: 'not-a-uuid' }, at + H, 'ended')).toEqual([]);
    expect(await store.endSessions({ username: 'ewa', exceptId: phone.id }, at + H, 'ended')).toEqual([office.id]);
    expect(await store.findSession('hash-1', at + H)).toBeNull();
    expect(await store.endSessions({ id: office.id }, at + H, 'logout')).toEqual([]); // once
    // Kept across a restart, like everything else the store holds.
    await store.close();
    const again = await reopen();
    expect(await again.findSession('hash-2', at + H)).toEqual(phone);
    // The same password and role again ends nothing; a new password or a new role ends them all.
    expect(await again.putUser(user('ewa', 'admin'), at + H)).toEqual([]);
    expect(await again.putUser(user('ewa', 'admin', 'h2'), at + 2 * H)).toEqual([phone.id]);
    expect(await again.findSession('hash-2', at + 2 * H)).toBeNull();
    const late = session('ewa', at + 3 * H);
    await again.addSession(late);
    expect(await again.putUser(user('ewa', 'viewer', 'h2'), at + 3 * H)).toEqual([late.id]);
    // A removed user: their sessions end, and a session of a user who is gone is never found.
    expect(await again.deleteUser('jan', at + 4 * H)).toEqual([other.id]);
    expect(await again.deleteUser('jan', at + 4 * H)).toBeNull();
    expect(await again.getUser('jan')).toBeNull();
    expect(await again.listSessions({ at: at + 4 * H, limit: 10 })).toEqual([]);
    await again.close();
  });
});
