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
