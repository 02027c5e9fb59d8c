import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { HASH_ITERATIONS, PasswordFile, startEmbeddedBroker, verifySecret, hashSecret } from '@okienko/broker-bridge';
import { figure, percentile, type Figure } from './stats.ts';

/** Connect and disconnect `n` times, one after another; the time of each connect, in ms. */
async function connects(url: string, n: number, username?: string, password?: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const c = await mqtt.connectAsync(url, { username, password, reconnectPeriod: 0, clientId: `bench-auth-${i}` });
    times.push(performance.now() - t);
    await c.endAsync();
  }
  return times;
}

/**
 * The price of checking a counter's secret on every connect (the reconnect storm after a broker
 * restart is 10,000 of them): connects to the embedded broker with a password file, beside the
 * same broker letting anyone in; and the hash check alone.
 */
export async function authFigures(n = 300): Promise<Figure[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-bench-auth-'));
  const passwd = new PasswordFile(path.join(dir, 'passwd'));
  const secret = passwd.set('bench/c1');
  const log = pino({ level: 'silent' });
  const open = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, log });
  const guarded = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, log, passwordFile: passwd.file });
  const anon = await connects(`mqtt://127.0.0.1:${open.port}`, n);
  const authed = await connects(`mqtt://127.0.0.1:${guarded.port}`, n, 'bench/c1', secret);
  await open.close();
  await guarded.close();
  const stored = hashSecret(secret);
  const t = performance.now();
  for (let i = 0; i < 200; i++) verifySecret(secret, stored);
  const verifyMs = (performance.now() - t) / 200;
  fs.rmSync(dir, { recursive: true, force: true });
  return [
    figure({ figure: `connect with a counter's secret checked (PBKDF2-SHA512, ${HASH_ITERATIONS} iterations), p50`, unit: 'ms', ours: percentile(authed, 50), floor: percentile(anon, 50), floorIs: 'the same broker letting anyone in' }),
    figure({
      figure: 'reconnect storm: CPU to check 10,000 counters\' secrets',
      unit: 's',
      ours: (verifyMs * 10_000) / 1000,
      floor: (percentile(anon, 50) * 10_000) / 1000,
      floorIs: '10,000 unauthenticated connects, one after another, on the same broker',
    }),
  ];
}
