import type { z } from 'zod';

/**
 * The error catalogue: stable codes a person or a script can look up, with a message that says
 * what happened and what to do.
 */
export const ERROR_CODES = {
  CONFIG_INVALID: 'OKIENKO_CONFIG_INVALID',
  OUTBOX_FULL: 'OKIENKO_OUTBOX_FULL',
  SYSTEM_DEPENDENCY_MISSING: 'OKIENKO_SYSTEM_DEPENDENCY_MISSING',
} as const;

export class ConfigError extends Error {
  readonly code = ERROR_CODES.CONFIG_INVALID;
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source} is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
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
