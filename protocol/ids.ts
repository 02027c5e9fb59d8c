import { z } from 'zod';
import { ID_HINT, ID_PATTERN } from './id-rule.ts';

export { ID_HTML_PATTERN, ID_RULE } from './id-rule.ts';

export const SiteId = z.string().regex(ID_PATTERN, ID_HINT);
export const CounterId = z.string().regex(ID_PATTERN, ID_HINT);

export function isValidId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/** Device and wall-clock times are epoch milliseconds: unambiguous across time zones. */
export const EpochMs = z.number().int().nonnegative();

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * A new event id: a UUID version 7 (RFC 9562), the time in milliseconds first, then 74 random
 * bits. Ids made later sort later, so each store's index of event ids grows at its end: with
 * random (version 4) ids every insert landed on a page of its own anywhere in that index, and
 * each commit wrote hundreds of those pages — the commit itself took half of SQLite's work per
 * batch, and its per-event cost fell by half with these. A device whose clock is wrong makes ids
 * that sort wrong: still unique (the random part), only slower to index. The schema accepts every
 * UUID, so events already in an outbox with older ids go on as they are.
 */
export function newEventId(now: number): string {
  const b = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const ms = Math.max(0, Math.min(Math.floor(now), 2 ** 48 - 1));
  // 48 bits of milliseconds, big-endian: the high 16 bits, then the low 32.
  const high = Math.floor(ms / 2 ** 32);
  const low = ms % 2 ** 32;
  b[0] = high >>> 8;
  b[1] = high & 0xff;
  b[2] = low >>> 24;
  b[3] = (low >>> 16) & 0xff;
  b[4] = (low >>> 8) & 0xff;
  b[5] = low & 0xff;
  b[6] = (b[6]! & 0x0f) | 0x70; // version 7
  b[8] = (b[8]! & 0x3f) | 0x80; // the RFC's variant
  let s = '';
  for (let i = 0; i < 16; i++) s += (i === 4 || i === 6 || i === 8 || i === 10 ? '-' : '') + HEX[b[i]!];
  return s;
}
