import { z } from 'zod';

// Site and counter ids become MQTT topic levels and broker usernames, so they must never hold
// '/', '+', '#' or anything else a topic filter or an ACL pattern would read as syntax.
const ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
const ID_HINT = 'use 1-32 lowercase letters, digits or "-", not starting or ending with "-"';

export const SiteId = z.string().regex(ID_PATTERN, ID_HINT);
export const CounterId = z.string().regex(ID_PATTERN, ID_HINT);

export function isValidId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/** Device and wall-clock times are epoch milliseconds: unambiguous across time zones. */
export const EpochMs = z.number().int().nonnegative();
