import type { FastifyHelmetOptions } from '@fastify/helmet';

/**
 * The Content-Security-Policy every page the bridge serves passes (the dashboard, lobby,
 * reports with Chart.js on canvas, login, devices, sessions, the demo's panels): scripts and
 * styles only from our own files, no inline script or style attribute (styles set through the
 * CSSOM, as Preact and Chart.js do, are allowed), nothing framed, framing us nowhere.
 */
export const CONTENT_SECURITY_POLICY: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  // A hall screen shows the lobby as a page of its own; no page of ours is put in a frame.
  'frame-ancestors': ["'none'"],
};

/**
 * helmet's headers for the bridge. Not its defaults throughout: `upgrade-insecure-requests`
 * would send a dashboard opened over plain HTTP on the office's network (http://192.168.…) to
 * HTTPS for every script and stylesheet, which is not there; and HSTS only where the bridge is
 * told it sits behind HTTPS (`secureCookies`), since it binds the whole host name for a year.
 */
export function securityHeaders(opts: { https: boolean }): FastifyHelmetOptions {
  return {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    strictTransportSecurity: opts.https ? { maxAge: 180 * 86_400, includeSubDomains: false } : false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    // The lobby's data is read by other origins' hall-screen pages (CORS says so, `*`).
    crossOriginResourcePolicy: { policy: 'same-site' },
  };
}
