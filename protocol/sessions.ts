import { z } from 'zod';
import { EpochMs } from './ids.ts';
import { Role } from './api.ts';

/**
 * GET /api/sessions: the live login sessions of the signed-in user (admins: `?user=NAME`, or
 * `?all=true` for everyone's). Ended with DELETE /api/sessions/:id. Never the token itself.
 */
export const SessionView = z
  .object({
    id: z.string(),
    username: z.string(),
    role: Role,
    createdAt: EpochMs,
    lastSeen: EpochMs,
    expiresAt: EpochMs,
    /** The browser's User-Agent and address at login, to tell one's sessions apart. */
    userAgent: z.string().nullable(),
    address: z.string().nullable(),
    /** The session this request came with. */
    current: z.boolean(),
  })
  .strict();
export type SessionView = z.infer<typeof SessionView>;

/**
 * POST /api/devices: a counter's broker credentials. A counter that has them already keeps them
 * unless `replace` is true: the running counter's secret would stop working (409 `device_has_credentials`).
 */
export const DeviceRequest = z
  .object({
    site: z.string(),
    counter: z.string(),
    replace: z.boolean().optional(),
  })
  .strict();
export type DeviceRequest = z.infer<typeof DeviceRequest>;

/**
 * GET /api/devices/credentials: the counters the broker's password file holds a secret for, and
 * whether the bridge has ever heard of each (provisioned but never seen: set up wrong, or not yet).
 */
export const ProvisionedDevice = z.object({ site: z.string(), counter: z.string(), seen: z.boolean() }).strict();
export type ProvisionedDevice = z.infer<typeof ProvisionedDevice>;
