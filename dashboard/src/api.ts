import { isApiErrorCode } from '@okienko/protocol/api-errors';
import { lang, w } from './i18n.ts';

/**
 * State-changing calls echo the CSRF token the login set in a readable cookie; the session
 * cookie itself is HttpOnly. A lost session sends the person to the login page.
 */
export function csrfToken(): string {
  return /(?:^|;\s*)okienko_csrf=([^;]*)/.exec(document.cookie)?.[1] ?? '';
}

export async function send(method: 'POST' | 'DELETE', url: string, body?: unknown): Promise<Response> {
  const res = await fetch(url, {
    method,
    headers: { 'x-csrf-token': csrfToken(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 401) location.href = `/login?next=${encodeURIComponent(location.pathname)}`;
  return res;
}

/**
 * What a failed reply means, in the page's language: the words of its code (protocol/api-errors.ts,
 * dashboard/src/words.ts). English pages add the server's own message, which names the field.
 */
export async function errorText(res: Response): Promise<string> {
  let body: { error?: unknown; message?: unknown } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    // not JSON (a proxy's page): the status says enough
  }
  if (!isApiErrorCode(body.error)) return w.error(res.status);
  const detail = lang === 'en' && typeof body.message === 'string' && body.message !== w.errors[body.error] ? ` (${body.message})` : '';
  return `${w.errors[body.error]}${detail}`;
}
