import type { Role } from '@okienko/protocol';
import { hashPassword, newPassword } from './passwords.ts';
import type { UserStore } from '../store/types.ts';

/**
 * The first admin (or a reset): a new random password, printed once by the caller. A reset ends
 * the user's sessions in the store, so every bridge on it signs them out.
 */
export async function createUser(store: UserStore, username: string, role: Role): Promise<string> {
  const password = newPassword();
  await store.putUser({ username, role, passwordHash: await hashPassword(password), createdAt: Date.now() });
  return password;
}

/** Remove a user (`okienko user --remove`); false when there was none. Their sessions end. */
export async function removeUser(store: UserStore, username: string): Promise<boolean> {
  return (await store.deleteUser(username, Date.now())) !== null;
}
