import type { Logger } from 'pino';

/** Ctrl-C or SIGTERM stops everything in reverse order of start, once; a second Ctrl-C forces exit. */
export function onShutdown(log: Logger, stops: (() => Promise<void>)[]): void {
  let stopping = false;
  const handler = (signal: string): void => {
    if (stopping) process.exit(130);
    stopping = true;
    log.info({ signal }, 'stopping');
    void (async () => {
      for (const stop of [...stops].reverse()) {
        await stop().catch((err: unknown) => log.error({ err }, 'error while stopping'));
      }
      process.exit(0);
    })();
  };
  process.once('SIGINT', () => handler('SIGINT'));
  process.once('SIGTERM', () => handler('SIGTERM'));
}
