import mqtt from 'mqtt';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';

const BIN = fileURLToPath(new URL('../cli/bin.mjs', import.meta.url));

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** The embedded broker in a process of its own, so it doesn't share a core's event loop with the bench. */
export async function startBrokerProcess(): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, 'broker', '--mqtt-port', String(port), '--log-level', process.env.OKIENKO_BENCH_BROKER_LOG ?? 'warn'], {
    cwd: path.dirname(path.dirname(BIN)),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('okienko broker:') && resolve());
    child.once('exit', (code) => reject(new Error(`broker exited with ${code}`)));
  });
  return {
    url: `mqtt://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      // A client left connected by a failed part must not keep the bench from ending.
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(kill);
    },
  };
}

/**
 * Ends a persistent session left in the broker by a client that is gone (a bridge stopped after
 * its run): the broker would otherwise queue every later run's messages for it, slowing the runs
 * after it — and their floors — more with each session left behind.
 */
export async function endSession(url: string, clientId: string): Promise<void> {
  await (await mqtt.connectAsync(url, { clientId, clean: true })).endAsync();
}
