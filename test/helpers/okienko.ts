import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = path.join(ROOT, 'cli/bin.mjs');

export interface Proc {
  child: ChildProcess;
  output(): string;
  /** Wait for exit; resolves to the exit code or the signal. */
  exited: Promise<number | string>;
}

/**
 * Every process a test file started, killed when its worker exits: a test that fails (or a hook
 * that times out) before its own cleanup must not leave bridges and counters running behind it.
 */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Have this child killed when the test file's worker exits, unless it has exited by then. */
export function killOnExit(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
}

/** Run `okienko …` as its own process, the way a person or systemd would. */
export function okienko(args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    // The plain demo unless a test asks for the living one: simulated clerks pressing on their
    // own would press into every test's counters.
    env: { ...process.env, OKIENKO_LOG_LEVEL: 'warn', OKIENKO_DEMO: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  killOnExit(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, output: () => out, exited };
}
