import { z } from 'zod';

// A NUL character, or half of a UTF-16 surrogate pair without its other half.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether every store can keep this text (see `storable`). */
export function isStorableText(s: string): boolean {
  return !UNSTORABLE.test(s);
}

/**
 * Text every store can keep. JSON carries a NUL character (`\u0000`) and half of a surrogate pair
 * (`\ud800`) as escapes, and a plain string schema lets both through; PostgreSQL refuses them
 * (jsonb, which a counter's row is, refuses both; a text column refuses NUL). A write it refuses
 * fails its whole batch, unacknowledged, so the broker sends it again and again: one such message
 * from one counter stopped every counter's events. Refused here, it is one rejected message with
 * its reason, and the next is stored.
 */
export function storable<T extends z.ZodString | z.ZodURL>(schema: T): T {
  // zod's refine gives back the same kind of schema, one check longer (typed per kind, not for T).
  return schema.refine(isStorableText, { message: 'must not hold a NUL character (\\u0000) or half of a surrogate pair (\\ud800-\\udfff)' }) as T;
}
