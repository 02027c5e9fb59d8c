import { createRequire } from 'node:module';
import type { Logger } from 'pino';

/**
 * The counter's logger: pino's own light build (the one it ships for browsers), writing the same
 * JSON lines to stderr for journald. The full pino loads worker threads for transports a counter
 * never uses: 8 MB of a Pi's resident memory against 2 MB for this (measured).
 */
export function deviceLogger(level: string): Logger {
  const light = createRequire(import.meta.url)('pino/browser') as (opts: object) => Logger;
  const err = (e: unknown) => (e instanceof Error ? { type: e.name, message: e.message, stack: e.stack } : e);
  return light({
    level,
    base: { app: 'okienko' },
    serializers: { err },
    browser: {
      serialize: ['err'],
      write: (o: object) => process.stderr.write(`${JSON.stringify(o)}\n`),
    },
  });
}
