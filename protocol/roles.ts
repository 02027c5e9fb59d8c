/**
 * Who may do what on the dashboard: viewers look, managers also act (alerts, notices), admins
 * also manage users and devices. Without zod, so the dashboard's pages can use it: zod's check
 * of whether it may compile code (`new Function`) is a violation of the pages' policy.
 */
export const ROLES = ['viewer', 'manager', 'admin'] as const;
export type RoleName = (typeof ROLES)[number];

const RANK: Record<RoleName, number> = { viewer: 0, manager: 1, admin: 2 };

/** Whether a role may do what needs `needed` (admin > manager > viewer); the dashboard hides what it may not. */
export const roleMay = (role: RoleName, needed: RoleName): boolean => RANK[role] >= RANK[needed];
