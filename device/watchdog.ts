/**
 * systemd's notify protocol, for a unit with Type=notify and WatchdogSec: READY=1 once the
 * counter runs, WATCHDOG=1 every half period while its event loop turns (a hung loop stops the
 * pings and systemd restarts the service), STOPPING=1 on a clean stop. Does nothing outside
 * systemd. `notify` is systemd-notify by default; tests pass their own.
 */
export function systemdWatchdog(
  env: NodeJS.ProcessEnv = process.env,
  // child_process is loaded only under systemd.
  notify: (message: string) => void = (m) => void import('node:child_process').then(({ execFile }) => execFile('systemd-notify', [m], () => {})),
): { ready(): void; stop(): void } {
  if (!env.NOTIFY_SOCKET) return { ready: () => {}, stop: () => {} };
  const periodUs = Number(env.WATCHDOG_USEC ?? 0);
  let timer: NodeJS.Timeout | null = null;
  return {
    ready: () => {
      notify('READY=1');
      if (periodUs > 0) {
        timer = setInterval(() => notify('WATCHDOG=1'), periodUs / 1000 / 2);
        timer.unref();
      }
    },
    stop: () => {
      if (timer) clearInterval(timer);
      notify('STOPPING=1');
    },
  };
}
