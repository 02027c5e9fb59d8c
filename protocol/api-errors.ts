/**
 * The HTTP API's error catalogue, in the style of fastify's own (`lib/errors.js`: a stable code,
 * an HTTP status and a message): every code an error reply carries in its `error` field, the one
 * status it is answered with, and an English message that says what to do (for logs and scripts;
 * a route may pass a sharper one naming the field). Every error reply is
 * `{ error: <code>, message, ...details }`; the dashboard shows the code's own words in the
 * page's language (dashboard/src/words.ts, whose type needs every code here).
 * test/unit/api-errors.test.ts guards it: every code used is listed, every listed code is used,
 * and the list of codes and statuses changes only on purpose (scripts and pages rely on them).
 * No zod here: the dashboard's pages import this file.
 */
const entry = <S extends number>(status: S, message: string) => ({ status, message });

export const API_ERRORS = {
  // sign-in and rights (broker-bridge/http/auth.ts)
  login_required: entry(401, 'no session: sign in at /login'),
  forbidden: entry(403, 'the signed-in role may not do this: sign in as a user with a role that may'),
  csrf: entry(403, 'the x-csrf-token header is missing or wrong: send the okienko_csrf cookie\'s value in it'),
  bad_login: entry(401, 'wrong or missing username or password: check both and sign in again'),
  too_many_attempts: entry(429, 'too many failed logins from this name or address: try again in 15 minutes'),
  bad_user: entry(400, 'a new user needs a username (letters, digits, . _ @ -) and a role (viewer, manager, admin)'),
  no_such_user: entry(404, 'no user with that name: check the name'),
  cannot_remove_self: entry(409, 'an admin cannot remove their own user: sign in as another admin to do it'),
  no_such_session: entry(404, 'no live session with that id: it has ended already; reload the list of sessions'),
  /** Sent in the live stream (not as a reply) when its session ends; its status is the login guard's then. */
  session_ended: entry(401, 'the session has ended (signed out, new password or role, or removed): sign in again at /login'),
  // the API's requests, and fastify's own answers (broker-bridge/http/errors.ts)
  bad_query: entry(400, 'a query parameter is wrong: the message names it and says what it takes'),
  bad_request: entry(400, 'the body is not valid JSON, or the request is malformed: check what is sent'),
  payload_too_large: entry(413, 'the body is larger than the API accepts: send less'),
  unsupported_media_type: entry(415, 'the body\'s content-type is not one the API reads: send application/json'),
  not_found: entry(404, 'no such page or route: check the address'),
  internal: entry(500, 'the server failed: its log says why'),
  // alerts and notices
  no_alert: entry(404, 'no alert with that id: reload the list of alerts'),
  bad_comment: entry(400, 'an acknowledgement comment must not hold a NUL or half of a surrogate pair: remove them'),
  bad_notice: entry(400, 'a notice is missing a field or has a wrong one: the message names it'),
  no_notice: entry(404, 'no notice with that id: it was taken down already; reload the list'),
  // devices
  bad_device: entry(400, 'site and counter ids: lowercase letters, digits and "-"'),
  no_password_file: entry(409, 'this bridge keeps no broker password file: run `npx okienko provision` where the broker\'s is, or start the bridge with --broker-password-file'),
  device_has_credentials: entry(409, 'the counter has credentials already: to replace them, send again with "replace": true'),
  not_built: entry(503, 'the dashboard is not built: run `npx okienko build`'),
  // the simulator's panels (sim/routes.ts, cli/sim.ts)
  no_sim_counter: entry(404, 'no simulated counter with that site and id: see /sim for the list'),
  bad_button: entry(400, 'an unknown button, or "pressed" is not true or false: use clerk, away or face-1 … face-5'),
  bad_badge: entry(400, 'a badge press needs a badgeId'),
  sim_starting: entry(503, 'the simulated counters are still starting: try again in a moment'),
  bad_load: entry(400, 'pressesPerMinute must be a number from 0 to 600'),
  // the counter's own refusals (protocol/errors.ts ERROR_CODES)
  OKIENKO_OUTBOX_FULL: entry(503, "the counter's outbox is full: the press was not kept; bring the counter back online"),
  OKIENKO_DISK_FULL: entry(503, "the counter's disk is full: the press was not kept; free space on it"),
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;

export const isApiErrorCode = (code: unknown): code is ApiErrorCode => typeof code === 'string' && Object.hasOwn(API_ERRORS, code);

/** The body of every HTTP error reply: the code, a message, and what else helps (e.g. `online`). */
export type ApiError = { error: ApiErrorCode; message: string } & Record<string, unknown>;

/** Build an error body; the type keeps the code in the catalogue. Details never override the two. */
export const apiError = (error: ApiErrorCode, message: string = API_ERRORS[error].message, details: Record<string, unknown> = {}): ApiError => ({ ...details, error, message });

/** The status a code is answered with. */
export const apiStatus = (code: ApiErrorCode): number => API_ERRORS[code].status;

/** What replyError needs of a reply: fastify's, described here so that protocol imports no server. */
export interface ErrorReplier<R> {
  code(status: number): { send(body: ApiError): R };
}

/** Answer an error: the code's status and `{ error, message, ...details }`. The one way every route does. */
export const replyError = <R>(reply: ErrorReplier<R>, code: ApiErrorCode, message?: string, details?: Record<string, unknown>): R =>
  reply.code(apiStatus(code)).send(apiError(code, message, details));

/** The code of an answer fastify gives by itself (bad JSON, too large, unknown route, a throw). */
export function codeOfStatus(status: number): ApiErrorCode {
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 413) return 'payload_too_large';
  if (status === 415) return 'unsupported_media_type';
  if (status >= 400 && status < 500) return 'bad_request';
  return 'internal';
}
