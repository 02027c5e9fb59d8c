import type { z } from 'zod';

/**
 * The error catalogue: stable codes a person or a script can look up, with a message that says
 * what happened and what to do.
 */
export const ERROR_CODES = {
  CONFIG_INVALID: 'OKIENKO_CONFIG_INVALID',
  OUTBOX_FULL: 'OKIENKO_OUTBOX_FULL',
  DISK_FULL: 'OKIENKO_DISK_FULL',
  SYSTEM_DEPENDENCY_MISSING: 'OKIENKO_SYSTEM_DEPENDENCY_MISSING',
  HARDWARE_UNAVAILABLE: 'OKIENKO_HARDWARE_UNAVAILABLE',
  /** The broker refused the counter's login: a wrong username or password, or no right to connect. */
  BROKER_LOGIN_REFUSED: 'OKIENKO_BROKER_LOGIN_REFUSED',
} as const;
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** An error a person can act on: its message says what to do; the command line prints it without a stack. */
export class OkienkoError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export class ConfigError extends OkienkoError {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(ERROR_CODES.CONFIG_INVALID, `${source} is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** A part of the counter can't be reached: not plugged in, wrong port, no permission. */
export class HardwareError extends OkienkoError {
  constructor(message: string) {
    super(ERROR_CODES.HARDWARE_UNAVAILABLE, message);
  }
}

/**
 * Every problem at once, each naming the field and a fix: the fix given for that field (a `*`
 * in `fixes` stands for any one segment, e.g. `roster.*.id`), else for its last segment, else
 * one worked out from the problem itself — a missing field, a wrong type, a value out of range,
 * an unknown key with the closest known one when `schema` is given to find them.
 */
export function describeIssues(error: z.ZodError, fixes: Record<string, string> = {}, schema?: z.ZodType): string[] {
  return error.issues.flatMap((issue) => {
    const field = issue.path.map(String).join('.') || '(top level)';
    if (issue.code === 'unrecognized_keys') {
      const known = schema ? knownKeysAt(schema, issue.path) : [];
      return issue.keys.map((key) => {
        const at = [...issue.path.map(String), key].join('.');
        const closest = closestKey(key, known);
        const hint = closest ? `did you mean "${closest}"?` : 'remove it, or check its spelling';
        return `${at}: unknown key — ${hint}${known.length ? ` (known here: ${known.join(', ')})` : ''}`;
      });
    }
    const missing = issue.code === 'invalid_type' && /received undefined$/.test(issue.message);
    const message = plainMessage(issue, missing);
    const fix = fixFor(issue.path.map(String), fixes) ?? derivedFix(issue, missing);
    return [`${field}: ${message}${fix ? ` — ${fix}` : ''}`];
  });
}

function fixFor(path: string[], fixes: Record<string, string>): string | undefined {
  const exact = fixes[path.join('.')];
  if (exact) return exact;
  for (const [pattern, fix] of Object.entries(fixes)) {
    const parts = pattern.split('.');
    if (parts.length === path.length && parts.every((p, i) => p === '*' || p === path[i])) return fix;
  }
  return path.length > 0 ? fixes[path[path.length - 1]!] : undefined;
}

/** What is wrong, in words a person reads (zod's own: "Invalid input: expected tuple, received undefined"). */
function plainMessage(issue: z.core.$ZodIssue, missing: boolean): string {
  switch (issue.code) {
    case 'invalid_type': {
      if (missing) return 'is missing';
      const received = /received (\w+)$/.exec(issue.message)?.[1];
      return `expected ${article(issue.expected)}${received ? `, got ${article(received)}` : ''}`;
    }
    case 'invalid_value':
    case 'invalid_union':
      return 'is not one of the allowed values';
    case 'too_small':
      return issue.origin === 'string' ? 'is too short' : issue.origin === 'array' ? 'has too few entries' : 'is too small';
    case 'too_big':
      return issue.origin === 'string' ? 'is too long' : issue.origin === 'array' ? 'has too many entries' : 'is too big';
    default:
      return issue.message;
  }
}

/** A fix read off the problem, for a field the caller gave none for. */
function derivedFix(issue: z.core.$ZodIssue, missing: boolean): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return missing ? `add it (${article(issue.expected)})` : `give ${article(issue.expected)}`;
    case 'invalid_value':
      return `use ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`;
    case 'too_small':
      return `use ${issue.origin === 'string' || issue.origin === 'array' ? 'at least' : 'a value of at least'} ${String(issue.minimum)}${issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' entries' : ''}`;
    case 'too_big':
      return `use ${issue.origin === 'string' || issue.origin === 'array' ? 'at most' : 'a value of at most'} ${String(issue.maximum)}${issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' entries' : ''}`;
    case 'invalid_union': {
      const values = issue.errors.flat().flatMap((e) => (e.code === 'invalid_value' ? e.values : []));
      return values.length ? `use ${values.map((v) => JSON.stringify(v)).join(' or ')}` : undefined;
    }
    default:
      return undefined; // a format or a rule of our own: its message says what is wanted
  }
}

function article(expected: string): string {
  const words: Record<string, string> = { string: 'a text in quotes', number: 'a number', boolean: 'true or false', object: 'an object { … }', array: 'a list [ … ]', tuple: 'a list [ … ]', null: 'null' };
  return words[expected] ?? `a ${expected}`;
}

/** The keys an object in `schema` at `path` knows (through defaults, optionals, records and lists). */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node: unknown = schema;
  let i = 0;
  for (let guard = 0; guard < 64 && node; guard++) {
    const def = (node as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    if (!def) return [];
    switch (def.type) {
      case 'object':
        if (i === path.length) return Object.keys(def.shape as object);
        node = (def.shape as Record<string, unknown>)[String(path[i++])];
        break;
      case 'record':
        if (i === path.length) return [];
        i++;
        node = def.valueType;
        break;
      case 'array':
        if (i === path.length) return [];
        i++;
        node = def.element;
        break;
      case 'default':
      case 'prefault':
      case 'optional':
      case 'nullable':
      case 'readonly':
      case 'catch':
      case 'nonoptional':
        node = def.innerType;
        break;
      case 'pipe':
        node = def.in;
        break;
      default:
        return [];
    }
  }
  return [];
}

/** The known key nearest in spelling (edit distance), when it is near enough to be a typo. */
export function closestKey(key: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : null;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

export function parseConfig<T extends z.ZodType>(
  schema: T,
  input: unknown,
  source: string,
  fixes: Record<string, string> = {},
): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ConfigError(source, describeIssues(result.error, fixes, schema));
  return result.data;
}
