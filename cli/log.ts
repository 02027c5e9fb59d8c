import { pino, type Logger } from 'pino';

/** One root logger per process; components take child loggers bound to their context. */
export function rootLogger(level: string): Logger {
  return pino({ level, base: { app: 'okienko' } }, pino.destination(2));
}

