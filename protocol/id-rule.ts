// Site and counter ids become MQTT topic levels and broker usernames, so they must never hold
// '/', '+', '#' or anything else a topic filter or an ACL pattern would read as syntax.
// Without zod: the dashboard imports this file, and zod's bundle probes `new Function`, which
// a strict Content-Security-Policy reports as a violation.
export const ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
export const ID_HINT = 'use 1-32 lowercase letters, digits or "-", not starting or ending with "-"';
export const ID_RULE = ID_HINT;

/**
 * The same rule for an HTML `pattern` attribute (anchored by the browser). Browsers compile it
 * with the regex `v` flag, where a `-` at a class's end must be escaped: `[a-z0-9-]` is invalid
 * there, and an invalid pattern silently checks nothing.
 */
export const ID_HTML_PATTERN = '[a-z0-9](?:[a-z0-9\\-]{0,30}[a-z0-9])?';
