import type { z } from 'zod';

/**
 * A schema's quick yes: true only when zod would accept the value and give it back as it is —
 * every check passed, no key that zod would strip, nothing transformed. False means "ask zod",
 * which then gives the verdict and the reasons. Made from the schema's own definition (its
 * shapes, literals and enums, its checks' bounds and patterns, its refinements' functions): it
 * holds no rule of its own, so the schemas stay the one contract.
 *
 * Why: the bridge validates every event. zod's general machinery (a result object and an issues
 * array per property, a copy of every object) was the largest part of the bridge's work per
 * event that the ingest floor's subscriber does not do: 2.5 µs an event in-process, this 0.24.
 * A message valid as sent needs none of it.
 *
 * How: the schema becomes JavaScript source, one function per object (as zod's own objects are
 * compiled), its fields read by name and its checks written out. Built of closures instead, one
 * per field and check, it took 0.75 µs an event: the calls through them and the reads of keys
 * that change at one place were most of it. Where the source can't be compiled (a page whose
 * Content-Security-Policy forbids it) there is no quick yes.
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

/** Thrown while compiling for a schema this does not cover: then there is no quick yes at all. */
class Unsupported extends Error {}

/** The quick yes for `schema`, or null when the schema uses a kind this does not cover (zod alone then). */
export function acceptsAsIs(schema: z.ZodType): AcceptsAsIs | null {
  let accept: AcceptsAsIs;
  try {
    const source = new Source();
    accept = source.fn(['v'], `return ${source.test(schema as unknown as Schema, 'v')};`);
  } catch (err) {
    // Unsupported, or no compiling of source here: zod alone.
    if (err instanceof Unsupported || err instanceof EvalError) return null;
    throw err;
  }
  return (value) => {
    try {
      return accept(value);
    } catch {
      // A check that throws on something odd: zod decides, and says why.
      return false;
    }
  };
}

/**
 * The source being written: boolean expressions over a variable, and the values they use (a
 * pattern, a refinement's function, zod's own check) kept in `h`, by index.
 */
class Source {
  private readonly held: unknown[] = [];

  /** An expression naming `value`, kept in `h`. */
  ref(value: unknown): string {
    this.held.push(value);
    return `h[${this.held.length - 1}]`;
  }

  /** A function compiled from `body`, which sees `h`. */
  fn(params: string[], body: string): AcceptsAsIs {
    return new Function('h', `"use strict"; return function (${params.join(', ')}) { ${body} };`)(this.held) as AcceptsAsIs;
  }

  /** An expression true when the value in variable `v` passes `schema` as it is. */
  test(schema: Schema, v: string): string {
    const zod = schema._zod;
    if (zod.def.coerce) throw new Unsupported('coerce');
    const checks = checksOf(zod).map((c) => this.check(c, zod.def.type, v));
    return [this.type(zod, v), ...checks].join(' && ');
  }

  private type(zod: Internals, v: string): string {
    switch (zod.def.type) {
      case 'string':
        return `typeof ${v} === 'string'`;
      case 'number':
        return `(typeof ${v} === 'number' && Number.isFinite(${v}))`;
      case 'boolean':
        return `typeof ${v} === 'boolean'`;
      case 'literal':
      case 'enum':
        return this.oneOf(zod.values!, v);
      case 'nullable':
        return `(${v} === null || (${this.test(zod.def.innerType!, v)}))`;
      case 'optional':
        // exactOptional does not take undefined; a defaulted inner puts a value in.
        if (zod.traits.has('$ZodExactOptional') || zod.optin !== 'optional') throw new Unsupported('optional');
        return `(${v} === undefined || (${this.test(zod.def.innerType!, v)}))`;
      case 'object':
        return `${this.ref(this.object(zod))}(${v})`;
      case 'union':
        return `${this.ref(this.union(zod))}(${v})`;
      default:
        throw new Unsupported(zod.def.type);
    }
  }

  /** Membership, as zod's (a Set's): compared one by one where all are strings or finite numbers. */
  private oneOf(values: Set<unknown>, v: string): string {
    const all = [...values];
    const plain = all.every((x) => typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x)) || typeof x === 'boolean' || x === null);
    if (!plain || all.length === 0 || all.length > 8) return `${this.ref(values)}.has(${v})`;
    return `(${all.map((x) => `${v} === ${literal(x)}`).join(' || ')})`;
  }

  /**
   * An object: every field the shape names, read by name, present unless optional (zod then
   * leaves it out), and no key besides them (zod would strip it, or refuse it).
   */
  private object(zod: Internals): AcceptsAsIs {
    const shape = zod.def.shape!;
    const lines = ["if (typeof o !== 'object' || o === null || Array.isArray(o)) return false;", 'let n = 0;', 'let v;'];
    for (const key of Object.keys(shape)) {
      // zod leaves such a key out of what it gives back; read by name, it is the prototype.
      if (key === '__proto__') throw new Unsupported('__proto__');
      const field = shape[key]!._zod;
      const optional = field.optin === 'optional' && field.optout === 'optional';
      const k = JSON.stringify(key);
      lines.push(
        `v = o[${k}];`,
        `if (v !== undefined || Object.hasOwn(o, ${k})) { if (!(${this.test(shape[key]!, 'v')})) return false; n++; }`,
        optional ? '' : 'else return false;',
      );
    }
    const checks = checksOf(zod).map((c) => this.check(c, 'object', 'o'));
    lines.push(`return Object.keys(o).length === n${checks.map((c) => ` && ${c}`).join('')};`);
    return this.fn(['o'], lines.join('\n'));
  }

  /**
   * A discriminated union: the discriminator's value picks the one option, as in zod. A plain
   * union gives the first option that passes, which may strip what a later one keeps: not covered.
   */
  private union(zod: Internals): AcceptsAsIs {
    const key = zod.def.discriminator;
    if (key === undefined) throw new Unsupported('union');
    const cases: string[] = [];
    for (const option of zod.def.options!) {
      const values = option._zod.propValues?.[key];
      if (!values || ![...values].every((x) => typeof x === 'string')) throw new Unsupported('discriminator');
      const test = this.ref(this.fn(['o'], `return ${this.test(option, 'o')};`));
      for (const value of values) cases.push(`case ${literal(value)}: return ${test}(o);`);
    }
    return this.fn(['o'], `if (typeof o !== 'object' || o === null) return false; switch (o[${JSON.stringify(key)}]) { ${cases.join(' ')} default: return false; }`);
  }

  /**
   * One check as an expression. The common kinds are written out from their definition (the
   * bound, the pattern, the function), each passing only what zod's own check passes — where zod
   * would need a closer look (a string's length in code points) it is asked; any other kind runs
   * zod's check itself.
   */
  private check(check: CheckInternals, type: string, v: string): string {
    const def = check.def;
    const zodCheck = (): string => `${this.ref(zodCheckOf(check))}(${v})`;
    switch (def.check) {
      case 'overwrite':
        // trim, toLowerCase…: the value given back is not the one sent.
        throw new Unsupported('overwrite');
      case 'greater_than':
      case 'less_than': {
        if (typeof def.value !== 'number' || type !== 'number') return zodCheck();
        const op = def.check === 'greater_than' ? (def.inclusive ? '>=' : '>') : def.inclusive ? '<=' : '<';
        return `${v} ${op} ${literal(def.value)}`;
      }
      case 'number_format':
        return def.format === 'safeint' && type === 'number' ? `Number.isSafeInteger(${v})` : zodCheck();
      case 'max_length':
        // Counted in code points, of which a string has at most as many as UTF-16 units.
        return type === 'string' ? `(${v}.length <= ${literal(def.maximum)} || ${zodCheck()})` : zodCheck();
      case 'min_length':
        // A code point is one or two units: twice the minimum in units always has enough.
        return type === 'string' ? `(${v}.length >= ${literal(2 * def.minimum!)} || ${zodCheck()})` : zodCheck();
      case 'string_format': {
        // Formats tested by their pattern alone; others (a URL, parsed) by zod's check.
        if (!(def.format === 'regex' || def.format === 'uuid') || !def.pattern || type !== 'string') return zodCheck();
        const pattern = this.ref(def.pattern);
        return def.pattern.global || def.pattern.sticky ? `(${pattern}.lastIndex = 0, ${pattern}.test(${v}))` : `${pattern}.test(${v})`;
      }
      case 'custom':
        // A refinement: its function, given the value as it is. Only a plain true is a yes here
        // (zod takes any truthy answer; a promise, only when parsing asynchronously).
        return `${this.ref(def.fn)}(${v}) === true`;
      default:
        return zodCheck();
    }
  }
}

/** A primitive as source; a number only where its text gives back the same number. */
function literal(x: unknown): string {
  if (typeof x === 'number' && !(Number.isFinite(x) && !Object.is(x, -0))) throw new Unsupported('number');
  return x === null ? 'null' : typeof x === 'string' ? JSON.stringify(x) : String(x);
}

/** A schema's checks, as zod runs them: itself first where it is also a check (a format). */
function checksOf(zod: Internals): CheckInternals[] {
  const own = (zod.def.checks ?? []).map((c) => c._zod);
  return zod.traits.has('$ZodCheck') ? [zod as unknown as CheckInternals, ...own] : own;
}

/** zod's own check, its issues collected in one payload that is emptied after each no. */
function zodCheckOf(check: CheckInternals): AcceptsAsIs {
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
