import type { z } from 'zod';

/**
 * A schema's quick yes: true only when zod would accept the value and give it back as it is —
 * every check passed, no key that zod would strip, nothing transformed. False means "ask zod",
 * which then gives the verdict and the reasons. Made from the schema's own definition (its
 * shapes, literals, enums, and its checks and refinements, run as they are): it holds no rule of
 * its own, so the schemas stay the one contract.
 *
 * Why: the bridge validates every event. zod's general machinery (a result object and an issues
 * array per property, a copy of every object) was the largest part of the bridge's work per
 * event that the ingest floor's subscriber does not do: 2.5 µs an event in-process, this 0.8,
 * and no copies left to the garbage collector. A message valid as sent needs none of it.
 */
export type AcceptsAsIs = (value: unknown) => boolean;

/** What this reads of a zod schema: its definition and, for a check, its test. */
interface Internals {
  def: {
    type: string;
    checks?: Checkable[];
    coerce?: boolean;
    shape?: Record<string, Schema>;
    innerType?: Schema;
    options?: Schema[];
    discriminator?: string;
  };
  traits: Set<string>;
  values?: Set<unknown>;
  propValues?: Record<string, Set<unknown>>;
  optin?: string;
  optout?: string;
}
interface CheckInternals {
  def: {
    check: string;
    value?: unknown;
    inclusive?: boolean;
    format?: string;
    minimum?: number;
    maximum?: number;
    pattern?: RegExp;
    fn?: (value: unknown) => unknown;
  };
  check(payload: Payload): unknown;
}
interface Checkable {
  _zod: CheckInternals;
}
type Schema = { _zod: Internals };
type Payload = { value: unknown; issues: unknown[] };

/** Thrown inside `compile` for a schema this does not cover: then there is no quick yes at all. */
class Unsupported extends Error {}

/** The quick yes for `schema`, or null when the schema uses a kind this does not cover (zod alone then). */
export function acceptsAsIs(schema: z.ZodType): AcceptsAsIs | null {
  try {
    const accept = compile(schema as unknown as Schema);
    return (value) => {
      try {
        return accept(value);
      } catch {
        // A check that throws on something odd: zod decides, and says why.
        return false;
      }
    };
  } catch (err) {
    if (err instanceof Unsupported) return null;
    throw err;
  }
}

/** Whether a value passes a schema's checks: each as a plain test, and together as one. */
function checksOf(zod: Internals): AcceptsAsIs | null {
  const list = zod.traits.has('$ZodCheck') ? [zod as unknown as CheckInternals, ...(zod.def.checks ?? []).map((c) => c._zod)] : (zod.def.checks ?? []).map((c) => c._zod);
  if (list.length === 0) return null;
  const tests = list.map(testOf);
  if (tests.length === 1) return tests[0]!;
  return (v) => {
    for (const test of tests) if (!test(v)) return false;
    return true;
  };
}

/**
 * One check as a test. The common kinds are tested here directly from their definition (the
 * bound, the pattern, the function), each passing only what zod's own check passes — where zod
 * would need a closer look (a string's length in code points), the test leaves it to zod's
 * check; any other kind runs zod's check itself.
 */
function testOf(check: CheckInternals): AcceptsAsIs {
  const def = check.def;
  const generic = zodCheck(check);
  switch (def.check) {
    case 'overwrite':
      // trim, toLowerCase…: the value given back is not the one sent.
      throw new Unsupported('overwrite');
    case 'greater_than':
    case 'less_than': {
      if (typeof def.value !== 'number') return generic;
      const bound = def.value;
      if (def.check === 'greater_than') return def.inclusive ? (v) => (v as number) >= bound : (v) => (v as number) > bound;
      return def.inclusive ? (v) => (v as number) <= bound : (v) => (v as number) < bound;
    }
    case 'number_format':
      return def.format === 'safeint' ? (v) => Number.isSafeInteger(v) : generic;
    case 'max_length': {
      // Counted in code points, of which a string has at most as many as UTF-16 units.
      const max = def.maximum!;
      return (v) => (typeof v === 'string' && v.length <= max) || generic(v);
    }
    case 'min_length': {
      // A code point is one or two units: twice the minimum in units always has enough.
      const min = def.minimum!;
      return (v) => (typeof v === 'string' && v.length >= 2 * min) || generic(v);
    }
    case 'string_format': {
      // Formats tested by their pattern alone; others (a URL, parsed) by zod's check.
      if (!(def.format === 'regex' || def.format === 'uuid') || !def.pattern) return generic;
      const pattern = def.pattern;
      return (v) => {
        pattern.lastIndex = 0;
        return pattern.test(v as string);
      };
    }
    case 'custom': {
      // A refinement: its function, given the value as it is. Only a plain true is a yes here
      // (zod takes any truthy answer; a promise, only when parsing asynchronously).
      const fn = def.fn!;
      return (v) => fn(v) === true;
    }
    default:
      return generic;
  }
}

/** zod's own check, its issues collected in one payload that is emptied after each no. */
function zodCheck(check: CheckInternals): AcceptsAsIs {
  const payload: Payload = { value: undefined, issues: [] };
  return (value) => {
    payload.value = value;
    // An asynchronous refinement answers with a promise: not a quick yes.
    // A check that puts another value in its place (a URL normalised) does not give it back as is.
    const ok = !(check.check(payload) instanceof Promise) && payload.issues.length === 0 && payload.value === value;
    payload.value = undefined;
    // Setting an array's length is a call into the runtime: only when there is something to drop.
    if (!ok) payload.issues.length = 0;
    return ok;
  };
}

function compile(schema: Schema): AcceptsAsIs {
  const zod = schema._zod;
  const type = zod.def.type;
  if (zod.def.coerce) throw new Unsupported('coerce');
  const base = compileType(zod, type);
  const checks = checksOf(zod);
  if (!checks) return base;
  return (value) => base(value) && checks(value);
}

function compileType(zod: Internals, type: string): AcceptsAsIs {
  switch (type) {
    case 'string':
      return (v) => typeof v === 'string';
    case 'number':
      return (v) => typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return (v) => typeof v === 'boolean';
    case 'literal':
    case 'enum': {
      const values = zod.values!;
      return (v) => values.has(v);
    }
    case 'nullable': {
      const inner = compile(zod.def.innerType!);
      return (v) => v === null || inner(v);
    }
    case 'optional': {
      // exactOptional does not take undefined; a defaulted inner puts a value in.
      if (zod.traits.has('$ZodExactOptional') || zod.optin !== 'optional') throw new Unsupported('optional');
      const inner = compile(zod.def.innerType!);
      return (v) => v === undefined || inner(v);
    }
    case 'object':
      return compileObject(zod);
    case 'union': {
      // A plain union gives the first option that passes, which may strip what a later one keeps:
      // only a discriminated union, where the discriminator's value picks the one option, is covered.
      const key = zod.def.discriminator;
      if (key === undefined) throw new Unsupported('union');
      const byValue = new Map<unknown, AcceptsAsIs>();
      for (const option of zod.def.options!) {
        const values = option._zod.propValues?.[key];
        if (!values) throw new Unsupported('discriminator');
        const accept = compile(option);
        for (const value of values) byValue.set(value, accept);
      }
      return (v) => {
        if (typeof v !== 'object' || v === null) return false;
        const accept = byValue.get((v as Record<string, unknown>)[key]);
        return accept !== undefined && accept(v);
      };
    }
    default:
      throw new Unsupported(type);
  }
}

function compileObject(zod: Internals): AcceptsAsIs {
  const shape = zod.def.shape!;
  const fields = Object.keys(shape).map((key) => {
    const field = shape[key]!._zod;
    return { key, accept: compile(shape[key]!), optional: field.optin === 'optional' && field.optout === 'optional' };
  });
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    const o = v as Record<string, unknown>;
    let present = 0;
    for (const { key, accept, optional } of fields) {
      const value = o[key];
      if (value === undefined && !Object.hasOwn(o, key)) {
        // Absent: only an optional key may be, and zod then leaves it out.
        if (!optional) return false;
        continue;
      }
      if (!accept(value)) return false;
      present++;
    }
    // A key the shape does not name would be stripped (or refused): not as it is.
    return Object.keys(o).length === present;
  };
}
