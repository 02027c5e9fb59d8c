import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { freePort, waitFor } from '../helpers/net.ts';
import { okienko } from '../helpers/okienko.ts';

async function run(args: string[]): Promise<string> {
  const p = okienko(args);
  expect(await p.exited).toBe(0);
  return p.output();
}

describe('okienko provision', () => {
  it('prints a counter\'s credentials once and keeps only a hash; --mosquitto writes passwd and acl', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-prov-'));
    const passwd = path.join(dir, 'passwd');
    const out = JSON.parse(await run(['provision', '--site', 'ratusz', '--counter', 'okienko-1', '--json', '--password-file', passwd])) as { username: string; password: string };
    expect(out.username).toBe('ratusz/okienko-1');
    expect(out.password).toMatch(/^[A-Za-z0-9_-]{22}$/); // 128 random bits
    const stored = fs.readFileSync(passwd, 'utf8');
    expect(stored).toMatch(/^ratusz\/okienko-1:\$7\$1000\$/);
    expect(stored).not.toContain(out.password);
    const again = JSON.parse(await run(['provision', '--site', 'ratusz', '--counter', 'okienko-1', '--json', '--password-file', passwd])) as { password: string };
    expect(again.password).not.toBe(out.password); // a new secret replaces the old
    await run(['provision', '--bridge', '--password-file', passwd]);
    await run(['provision', '--mosquitto', path.join(dir, 'mosq'), '--password-file', passwd]);
    expect(fs.readFileSync(path.join(dir, 'mosq/passwd'), 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
    expect(fs.readFileSync(path.join(dir, 'mosq/acl'), 'utf8')).toContain('user ratusz/okienko-1\ntopic write okienko/v1/ratusz/okienko-1/state');
  });

  it('the embedded broker with a password file lets in the bridge reading its secret from a file, and no one else', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-prov-'));
    const passwd = path.join(dir, 'passwd');
    const bridgeSecret = path.join(dir, 'bridge.secret');
    const creds = JSON.parse(await run(['provision', '--bridge', '--json', '--password-file', passwd])) as { password: string };
    fs.writeFileSync(bridgeSecret, `${creds.password}\n`);
    const [mqttPort, httpPort] = [await freePort(), await freePort()];
    const broker = okienko(['broker', '--mqtt-port', String(mqttPort), '--password-file', passwd]);
    const bridge = okienko(['bridge', '--mqtt-url', `mqtt://127.0.0.1:${mqttPort}`, '--mqtt-username', 'okienko-bridge', '--mqtt-password-file', bridgeSecret, '--store', `sqlite:${path.join(dir, 'b.db')}`, '--http-port', String(httpPort)]);
    try {
      await waitFor(async () => ((await (await fetch(`http://127.0.0.1:${httpPort}/api/health`)).json()) as { mqtt: string }).mqtt === 'connected', { timeoutMs: 20_000, what: 'the bridge logged in' });
      await expect(mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { reconnectPeriod: 0 })).rejects.toThrow();
    } finally {
      bridge.child.kill('SIGTERM');
      broker.child.kill('SIGTERM');
      await Promise.all([bridge.exited, broker.exited]);
    }
  });
});
