import { z } from 'zod';
import { API_ERRORS, type ApiErrorCode } from './api-errors.ts';

const CODES = Object.keys(API_ERRORS) as [ApiErrorCode, ...ApiErrorCode[]];

/**
 * Every HTTP error reply's body (api-errors.ts), as a schema: the OpenAPI document's `Error`
 * component, and what tests check replies against. Beside api-errors.ts, not in it: the
 * dashboard's pages import that file, and zod must not come into their bundles with it.
 */
export const ApiErrorBody = z
  .object({
    error: z.enum(CODES).describe('a stable code from the catalogue (protocol/api-errors.ts); the status is always the code\'s own'),
    message: z.string().describe('what happened and what to do, in English; may name the field'),
  })
  .catchall(z.unknown())
  .describe('An error reply; some codes add details (device_has_credentials: online, lastSeen)');

/** Who may call a route, for the login guard's answers (broker-bridge/auth/passwords.ts requiredRole). */
export type Guard = 'public' | 'read' | 'change';

const GUARD_CODES: Record<Guard, ApiErrorCode[]> = {
  public: [],
  read: ['login_required', 'forbidden'],
  // Changes also need the CSRF token.
  change: ['login_required', 'forbidden', 'csrf'],
};

/** What fastify answers for a request body it cannot read. */
export const BODY_ERRORS: ApiErrorCode[] = ['bad_request', 'payload_too_large', 'unsupported_media_type'];

/**
 * An operation's error responses, by status: each status lists its codes and what each means,
 * and refers to the one `Error` schema. Every operation may also fail with `internal` (500).
 */
export function errorResponses(guard: Guard, codes: ApiErrorCode[] = []): Record<string, unknown> {
  const byStatus = new Map<number, ApiErrorCode[]>();
  for (const code of [...GUARD_CODES[guard], ...codes, 'internal' as const]) {
    const status = API_ERRORS[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].sort(([a], [b]) => a - b).map(([status, list]) => [
      status,
      {
        description: list.map((c) => `${c}: ${API_ERRORS[c].message}`).join('; '),
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    ]),
  );
}
