/**
 * Every code an HTTP error reply carries in its `error` field, in one place. A reply is
 * `{ error: <code>, message: <English, for logs and scripts> }`; the dashboard shows the code's
 * own words in the page's language (dashboard/src/words.ts, whose type needs every code here).
 * A route that sends a code not listed fails test/unit/api-errors.test.ts.
 */
export const API_ERRORS = {
  // sign-in and rights (broker-bridge/http/auth.ts)
  login_required: 'no session: sign in at /login',
  forbidden: 'the signed-in role may not do this',
  csrf: 'the x-csrf-token header is missing or wrong',
  bad_login: 'wrong or missing username or password',
  too_many_attempts: 'too many failed logins from this name or address',
  bad_user: 'a new user needs a username and a role',
  no_such_user: 'no user with that name',
  cannot_remove_self: 'an admin cannot remove their own user',
  no_such_session: 'no live session with that id',
  session_ended: 'the session has ended (signed out, new password or role, or removed)',
  // the API's requests
  bad_query: 'a query parameter is wrong; the message names it',
  bad_request: 'the body is not valid JSON, or the request is malformed',
  payload_too_large: 'the body is larger than the API accepts',
  not_found: 'no such page or route',
  internal: 'the server failed; its log says why',
  // alerts and notices
  no_alert: 'no alert with that id',
  bad_comment: 'an acknowledgement comment holds a NUL or half of a surrogate pair',
  bad_notice: 'a notice is missing a field or has a wrong one; the message names it',
  no_notice: 'no notice with that id',
  // devices
  bad_device: 'site and counter ids: lowercase letters, digits and "-"',
  no_password_file: 'this bridge keeps no broker password file',
  device_has_credentials: 'the counter has credentials already; replacing them needs "replace": true',
  not_built: 'the dashboard is not built (npx okienko build)',
  // the simulator's panels (sim/routes.ts, cli/sim.ts)
  no_sim_counter: 'no simulated counter with that site and id',
  bad_button: 'an unknown button, or "pressed" is not true or false',
  bad_badge: 'a badge press needs a badgeId',
  sim_starting: 'the simulated counters are still starting',
  bad_load: 'pressesPerMinute must be a number from 0 to 600',
  OKIENKO_OUTBOX_FULL: "the counter's outbox is full",
  OKIENKO_DISK_FULL: "the counter's disk is full",
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;

export const isApiErrorCode = (code: unknown): code is ApiErrorCode => typeof code === 'string' && Object.hasOwn(API_ERRORS, code);

/** The body of every HTTP error reply. */
export interface ApiError {
  error: ApiErrorCode;
  message: string;
}

/** Build an error body; the type keeps the code in the list. */
export const apiError = (error: ApiErrorCode, message: string = API_ERRORS[error]): ApiError => ({ error, message });

/** The code of a status fastify answers by itself (bad JSON, too large, unknown route, a throw). */
export function codeOfStatus(status: number): ApiErrorCode {
  if (status === 404) return 'not_found';
  if (status === 413) return 'payload_too_large';
  if (status >= 400 && status < 500) return 'bad_request';
  return 'internal';
}
