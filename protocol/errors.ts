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

/** Every problem at once, each naming the field and, where known, the fix. */
export function describeIssues(error: z.ZodError, fixes: Record<string, string> = {}): string[] {
  return error.issues.map((issue) => {
    const field = issue.path.join('.') || '(top level)';
    const fix =
      fixes[field] ??
      fixes[String(issue.path[issue.path.length - 1] ?? '')] ??
      (issue.code === 'unrecognized_keys' ? 'remove it, or check its spelling against the documented fields' : undefined);
    return `${field}: ${issue.message}${fix ? ` — ${fix}` : ''}`;
  });
}

export function parseConfig<T extends z.ZodType>(
  schema: T,
  input: unknown,
  source: string,
  fixes: Record<string, string> = {},
): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ConfigError(source, describeIssues(result.error, fixes));
  return result.data;
}
