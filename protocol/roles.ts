import type { Role } from './api.ts';

/**
 * Whether a role may do what needs `needed` (admin > manager > viewer); the dashboard hides what
 * it may not. Apart from api.ts, so a browser page that imports it does not bundle zod (whose
 * compiler tries `new Function`, which the pages' Content-Security-Policy refuses).
 */
const ROLE_RANK: Record<Role, number> = { viewer: 0, manager: 1, admin: 2 };
export const roleMay = (role: Role, needed: Role): boolean => ROLE_RANK[role] >= ROLE_RANK[needed];
