import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import { SCHEMA_BY_KIND } from '@okienko/protocol';
import { acceptsAsIs, type AcceptsAsIs } from '../../broker-bridge/ingest/accepts.ts';
import { CLERK, feedback, stateChange } from '../helpers/messages.ts';

/** What the quick yes must say: zod accepts the value and gives back the same value. */
function asIs(schema: z.ZodType, value: unknown): boolean {
  const r = schema.safeParse(value);
  return r.success && isDeepStrictEqual(r.data, value);
}

const quick = (schema: z.ZodType): AcceptsAsIs => {
  const accept = acceptsAsIs(schema);
  if (!accept) throw new Error('no quick yes for this schema');
  return accept;
};

/** Mostly a valid value, now and then one on or over an edge: most messages are then valid as a whole, many are not. */
const near = <T, U>(valid: fc.Arbitrary<T>, edge: fc.Arbitrary<U>): fc.Arbitrary<T | U> => fc.oneof({ weight: 14, arbitrary: valid }, { weight: 1, arbitrary: edge });

// Edges of each check: lengths in code points (an emoji is two UTF-16 units), NUL and lone
// surrogates, the safe-integer bound, near-miss ids and uuids.
const emoji = '\u{1F600}';
const text = near(
  fc.string({ unit: fc.constantFrom('a', 'ż', emoji, ' '), minLength: 1, maxLength: 6 }),
  fc.oneof(
    fc.constantFrom('', emoji.repeat(64), emoji.repeat(65), emoji.repeat(80), emoji.repeat(81), 'a'.repeat(80), 'a'.repeat(81)),
    fc.string({ unit: fc.constantFrom('a', '\u0000', '\ud83d', '\ude00', emoji), maxLength: 4 }),
  ),
);
const count = near(fc.integer({ min: 1, max: 4 }), fc.oneof(fc.integer({ min: -2, max: 7 }), fc.constantFrom(2 ** 53 - 1, 2 ** 53, 1.5, 1e21), fc.double({ noNaN: true, noDefaultInfinity: true })));
const id = near(fc.constantFrom('ratusz', 'okienko-1'), fc.constantFrom('a', '-a', 'A', '', 'a'.repeat(32), 'a'.repeat(33)));
const uuid = near(fc.uuid(), fc.constantFrom('not-a-uuid', '00000000-0000-0000-0000-000000000000', '6BA7B810-9DAD-11D1-80B4-00C04FD430C8'));
const flag = near(fc.boolean(), fc.constantFrom(null, 'true', 0));
const one = <T>(valid: T[], edge: T[]) => near(fc.constantFrom(...valid), fc.constantFrom(...edge));
const clerk = near(fc.oneof(fc.constant(null), fc.record({ id: text, name: text })), fc.constantFrom({ ...CLERK, badge: 7 }, {}, 'Anna'));
const notice = near(
  fc.oneof(
    fc.constant(null),
    fc.record({
      backAt: count,
      reason: one(['short', 'break', 'errand', 'end_of_day'], ['lunch']),
      substitute: fc.oneof(fc.constant(null), fc.record({ name: text, where: text })),
      signedBy: clerk,
    }),
  ),
  fc.constantFrom({}, 5),
);
const envelope = { v: one([1], [2, '1']), site: id, counter: id };
const eventBase = { ...envelope, id: uuid, seq: count, at: count, clockSynced: flag, bootId: text };

/** Messages of every kind near the line between valid and not, then one key removed, replaced or added. */
const message = fc
  .tuple(
    fc.oneof(
      fc.record({ ...eventBase, type: fc.constant('feedback'), face: count, scale: count, clerk, sessionId: fc.oneof(fc.constant(null), text), flagged: flag }),
      fc.record({
        ...eventBase,
        type: one(['state_changed'], ['feedback']),
        from: one(['available', 'serving', 'away', 'closed'], ['offline']),
        to: fc.constantFrom('available', 'away'),
        clerk,
        notice,
        cause: one(['clerk', 'schedule'], ['badge']),
        historical: fc.option(flag, { nil: undefined }),
      }),
      fc.record({ ...eventBase, type: fc.constant('clerk_changed'), clerk, cause: one(['badge', 'end_of_day'], ['clerk']) }),
      fc.record({
        ...envelope,
        status: one(['available', 'away'], ['offline']),
        since: count,
        clerk,
        notice,
        seq: count,
        at: count,
        clockSynced: flag,
        scale: count,
        inHours: fc.option(flag, { nil: undefined }),
        health: fc.option(fc.record({ outboxPending: count, outboxRefused: count, diskFull: fc.option(flag, { nil: undefined }) }), { nil: undefined }),
      }),
      fc.record({
        ...envelope,
        status: one(['online', 'offline'], ['away']),
        bootId: text,
        at: count,
        version: fc.option(text, { nil: undefined }),
        panelUrl: fc.option(fc.constantFrom('http://127.0.0.1:8080/panel', 'https://example.org/x?y=1', 'not a url', 'HTTP://EXAMPLE.ORG'), { nil: undefined }),
      }),
      fc.record({ ...envelope, id: uuid, at: count, type: one(['resend_state', 'set_open'], ['reboot']), open: fc.option(flag, { nil: undefined }) }),
    ),
    fc.constantFrom('keep', 'keep', 'keep', 'delete', 'replace', 'add'),
    fc.constantFrom('v', 'site', 'id', 'seq', 'type', 'face', 'clerk', 'notice', 'status', 'bootId', 'historical', 'health', '__proto__', 'constructor'),
    fc.jsonValue({ maxDepth: 2 }),
  )
  .map(([o, how, key, value]) => {
    // As the bridge gets it: the text of a JSON message, parsed (no undefined, no -0, own keys only).
    const m = JSON.parse(JSON.stringify(o)) as Record<string, unknown>;
    if (how === 'delete') delete m[key];
    if (how === 'replace' || how === 'add') Object.defineProperty(m, how === 'add' ? `${key}_extra` : key, { value, enumerable: true, configurable: true, writable: true });
    return JSON.parse(JSON.stringify(m)) as unknown;
  });

describe('acceptsAsIs: the quick yes made from a zod schema', () => {
  it('says yes exactly when zod accepts a message and gives it back unchanged, for every kind it covers', () => {
    const kinds = Object.entries(SCHEMA_BY_KIND).filter(([kind]) => kind !== 'notice');
    const accepts = kinds.map(([kind, schema]) => [kind, schema, quick(schema)] as const);
    let yes = 0;
    let zodOnly = 0;
    fc.assert(
      fc.property(message, (m) => {
        for (const [kind, schema, accept] of accepts) {
          const expected = asIs(schema, m);
          if (accept(m) !== expected) throw new Error(`${kind}: quick ${!expected} but zod ${expected} for ${JSON.stringify(m)}`);
          if (expected) yes++;
          else if (schema.safeParse(m).success) zodOnly++;
        }
      }),
      { numRuns: 3000, seed: 20261128 },
    );
    // Both sides of the line were reached: valid messages taken as sent, and valid ones with a key
    // zod strips (left to zod).
    expect(yes).toBeGreaterThan(100);
    expect(zodOnly).toBeGreaterThan(20);
  });

  it('takes an ordinary event as sent, and leaves to zod whatever zod would change or refuse', () => {
    const event = quick(SCHEMA_BY_KIND.event);
    const parse = (x: unknown): unknown => JSON.parse(JSON.stringify(x));
    expect(event(parse(feedback(1)))).toBe(true);
    expect(event(parse(stateChange(2, 'away')))).toBe(true);
    // A key zod strips: zod accepts, but gives back another object.
    const extra = parse({ ...feedback(1), extra: 1 });
    expect(SCHEMA_BY_KIND.event.safeParse(extra).success).toBe(true);
    expect(event(extra)).toBe(false);
    // The object's own refinement (a face within the scale), a text's (no NUL), a length in code points.
    expect(event(parse(feedback(1, { face: 5, scale: 4 } as never)))).toBe(false);
    expect(event(parse(feedback(1, { bootId: 'a\u0000' })))).toBe(false);
    expect(event(parse(feedback(1, { clerk: { id: 'k1', name: emoji.repeat(80) } } as never)))).toBe(true);
    expect(event(parse(feedback(1, { clerk: { id: 'k1', name: emoji.repeat(81) } } as never)))).toBe(false);
    expect(event(parse({ ...feedback(1), seq: 2 ** 53 }))).toBe(false);
    expect(event(parse({ ...feedback(1), type: 'gossip' }))).toBe(false);
    expect(event(null)).toBe(false);
    expect(event([parse(feedback(1))])).toBe(false);
  });

  it('has no quick yes for a schema that changes what it is given, or a union that may strip', () => {
    // Notices trim their text: what zod gives back is not what was sent.
    expect(acceptsAsIs(SCHEMA_BY_KIND.notice)).toBeNull();
    expect(acceptsAsIs(z.string().default('x'))).toBeNull();
    expect(acceptsAsIs(z.union([z.object({ a: z.string() }), z.object({ a: z.string(), b: z.number() })]))).toBeNull();
    // Where source can't be compiled (a page's Content-Security-Policy), there is no quick yes.
    const compiler = globalThis.Function;
    globalThis.Function = function () {
      throw new EvalError('code generation from strings disallowed');
    } as unknown as FunctionConstructor;
    try {
      expect(acceptsAsIs(SCHEMA_BY_KIND.event)).toBeNull();
    } finally {
      globalThis.Function = compiler;
    }
    // Not from JSON, but zod's number refuses them, and so does its quick yes.
    const number = quick(z.number());
    expect([number(1.5), number(Number.POSITIVE_INFINITY), number(Number.NaN)]).toEqual([true, false, false]);
    // A check that puts another value in the payload's place is a no, never a yes.
    const normalised = z.url({ normalize: true });
    const url = quick(normalised);
    expect(url('HTTP://EXAMPLE.ORG')).toBe(asIs(normalised, 'HTTP://EXAMPLE.ORG'));
    expect(url('https://example.org/')).toBe(true);
  });
});
