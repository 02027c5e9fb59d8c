import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MOSQUITTO, requireBinary } from './system.ts';
import { freePort, waitFor } from './net.ts';
import { killOnExit } from './okienko.ts';
import net from 'node:net';

export interface Mosquitto {
  port: number;
  url: string;
  /** Stop the broker (SIGTERM) and wait for it to exit. */
  stop(): Promise<void>;
  /** Start it again on the same port. */
  start(): Promise<void>;
  log(): string;
  /** The running broker's process id (for its memory). */
  pid(): number;
}

/**
 * A real Mosquitto on a free loopback port, configured as broker-bridge/README.md tells an office
 * to: persistence on, so the bridge's session and its queued QoS 1 messages survive a broker
 * restart, and no cap on that queue (Mosquitto's default of 1,000 drops events a down bridge has
 * not taken — after the counters were told they were delivered), and Nagle off (the bridge's TCP
 * ACKs ride on PUBACKs sent after each fsync). Anonymous allowed unless asked.
 */
export async function startMosquitto(extraConfig: string[] = [], opts: { anonymous?: boolean } = {}): Promise<Mosquitto> {
  requireBinary(MOSQUITTO, 'mosquitto');
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-mosq-'));
  // Started as root, mosquitto drops to the mosquitto user unless told to stay: our files are ours.
  fs.chmodSync(dir, 0o755);
  const conf = path.join(dir, 'mosquitto.conf');
  const lines = [`listener ${port} 127.0.0.1`, ...(opts.anonymous === false ? [] : ['allow_anonymous true']), 'log_dest stderr', 'log_type error', 'log_type warning', 'log_type notice', 'persistence true', `persistence_location ${dir}/`, 'max_queued_messages 0', 'set_tcp_nodelay true', 'max_inflight_messages 1000', ...extraConfig];
  if (process.getuid?.() === 0) lines.unshift('user root');
  fs.writeFileSync(conf, `${lines.join('\n')}\n`);
  let child: ChildProcess | null = null;
  let output = '';

  const start = async (): Promise<void> => {
    child = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    killOnExit(child); // a failed test's cleanup may not run
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    await waitFor(() => canConnect(port), { timeoutMs: 10_000, what: `mosquitto on port ${port}` });
  };
  const stop = async (): Promise<void> => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await exited;
    child = null;
  };
  await start();
  return { port, url: `mqtt://127.0.0.1:${port}`, start, stop, log: () => output, pid: () => (child as ChildProcess | null)?.pid ?? -1 };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}
