import type { Me, Role } from '@okienko/protocol/api';
import { roleMay } from '@okienko/protocol/roles';

/**
 * Who is signed in, asked once before a page draws (`GET /api/auth/me`), so every button a role
 * may not use is left out rather than offered and then refused. The bridge still decides
 * (broker-bridge/auth/passwords.ts `requiredRole`); this only keeps the page honest.
 */
let me: Me | null = null;

export async function loadMe(): Promise<void> {
  try {
    const res = await fetch('/api/auth/me');
    if (res.ok) me = (await res.json()) as Me;
  } catch {
    // no answer: nothing is offered that needs a role; the bridge's 401 sends the person to /login
  }
}

export const currentUser = (): Me | null => me;

/** Whether the signed-in user's role may do what needs `needed`. */
export const may = (needed: Role): boolean => me !== null && roleMay(me.role, needed);
