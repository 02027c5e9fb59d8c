import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { counterTopic } from '@okienko/protocol';
import { freePort, waitFor } from '../helpers/net.ts';
import { okienko } from '../helpers/okienko.ts';
import { startMosquitto } from '../helpers/mosquitto.ts';
import { feedback } from '../helpers/messages.ts';
import { signInWithCli } from '../helpers/session.ts';

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
    // Again: refused, since a running counter would be locked out; with --replace, a new secret.
    const refused = okienko(['provision', '--site', 'ratusz', '--counter', 'okienko-1', '--json', '--password-file', passwd]);
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toContain('has credentials already');
    expect(refused.output()).toContain('--replace');
    expect(fs.readFileSync(passwd, 'utf8')).toBe(stored);
    const again = JSON.parse(await run(['provision', '--site', 'ratusz', '--counter', 'okienko-1', '--replace', '--json', '--password-file', passwd])) as { password: string };
    expect(again.password).not.toBe(out.password); // a new secret replaces the old
    await run(['provision', '--bridge', '--password-file', passwd]);
    await run(['provision', '--mosquitto', path.join(dir, 'mosq'), '--password-file', passwd]);
    expect(fs.readFileSync(path.join(dir, 'mosq/passwd'), 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
    expect(fs.readFileSync(path.join(dir, 'mosq/acl'), 'utf8')).toContain('user ratusz/okienko-1\ntopic write okienko/v1/ratusz/okienko-1/state');
  });

  it('the embedded broker with a password file lets in the bridge reading its secret from a file, and no one else; an admin adds a counter from the dashboard', { timeout: 30_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-prov-'));
    const passwd = path.join(dir, 'passwd');
    const bridgeSecret = path.join(dir, 'bridge.secret');
    const creds = JSON.parse(await run(['provision', '--bridge', '--json', '--password-file', passwd])) as { password: string };
    fs.writeFileSync(bridgeSecret, `${creds.password}\n`);
    const [mqttPort, httpPort] = [await freePort(), await freePort()];
    const broker = okienko(['broker', '--mqtt-port', String(mqttPort), '--password-file', passwd]);
    const store = `sqlite:${path.join(dir, 'b.db')}`;
    const bridge = okienko(['bridge', '--mqtt-url', `mqtt://127.0.0.1:${mqttPort}`, '--mqtt-username', 'okienko-bridge', '--mqtt-password-file', bridgeSecret, '--store', store, '--http-port', String(httpPort), '--broker-password-file', passwd]);
    try {
      await waitFor(async () => ((await (await fetch(`http://127.0.0.1:${httpPort}/api/health`)).json()) as { mqtt: string }).mqtt === 'connected', { timeoutMs: 20_000, what: 'the bridge logged in' });
      await expect(mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { reconnectPeriod: 0 })).rejects.toThrow();
      // The devices page's "create credentials": the new counter logs in at once, with that secret only.
      const admin = await signInWithCli(`http://127.0.0.1:${httpPort}`, store);
      const res = await admin.post('/api/devices', { site: 'filia', counter: 'okienko-7' });
      expect(res.status).toBe(201);
      const created = (await res.json()) as { username: string; password: string };
      expect(created.username).toBe('filia/okienko-7');
      expect(fs.readFileSync(passwd, 'utf8')).not.toContain(created.password);
      const counter = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { username: created.username, password: created.password, reconnectPeriod: 0 });
      await counter.endAsync();
      await expect(mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { username: created.username, password: 'not-the-secret', reconnectPeriod: 0 })).rejects.toThrow();
    } finally {
      bridge.child.kill('SIGTERM');
      broker.child.kill('SIGTERM');
      await Promise.all([bridge.exited, broker.exited]);
    }
  });

  it('gives each bridge instance its own user, so two share the stream through a locked-down Mosquitto', { timeout: 60_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-prov-'));
    fs.chmodSync(dir, 0o755);
    const passwd = path.join(dir, 'passwd');
    const creds = async (args: string[]) => JSON.parse(await run(['provision', ...args, '--json', '--password-file', passwd])) as { username: string; password: string };
    const counter = await creds(['--site', 'ratusz', '--counter', 'okienko-1']);
    const bridges = [await creds(['--bridge']), await creds(['--bridge', '--name', 'b2'])];
    expect(bridges.map((b) => b.username)).toEqual(['okienko-bridge', 'okienko-bridge-b2']);
    await run(['provision', '--mosquitto', path.join(dir, 'mosq'), '--password-file', passwd]);
    const m = path.join(dir, 'mosq');
    // The okienko.conf the command wrote, as an office includes it.
    const conf = fs.readFileSync(path.join(m, 'okienko.conf'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(conf).toEqual(expect.arrayContaining([`password_file ${m}/passwd`, 'allow_anonymous false', 'set_tcp_nodelay true', 'max_queued_messages 0', 'max_inflight_messages 1000']));
    const mosq = await startMosquitto(conf, { anonymous: false });
    const ports = [await freePort(), await freePort()];
    const procs = bridges.map((b, i) => {
      const secret = path.join(dir, `bridge-${i}.secret`);
      fs.writeFileSync(secret, b.password);
      return okienko(['bridge', '--mqtt-url', mosq.url, '--mqtt-username', b.username, '--mqtt-password-file', secret, '--shared-group', 'okienko',
        '--store', `sqlite:${path.join(dir, `b${i}.db`)}`, '--http-port', String(ports[i])]);
    });
    const health = (port: number) => fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.json() as Promise<{ mqtt: string; stored: number }>);
    try {
      for (const port of ports) await waitFor(async () => (await health(port).catch(() => null))?.mqtt === 'connected', { timeoutMs: 20_000, what: 'both bridges logged in' });
      const sender = await mqtt.connectAsync(mosq.url, { username: counter.username, password: counter.password, reconnectPeriod: 0 });
      await Promise.all(Array.from({ length: 400 }, (_, i) => sender.publishAsync(counterTopic(feedback(i + 1), 'event'), JSON.stringify(feedback(i + 1)), { qos: 1 })));
      await sender.endAsync();
      await waitFor(async () => (await health(ports[0]!)).stored + (await health(ports[1]!)).stored === 400, { timeoutMs: 30_000, what: '400 stored between the two' });
      const [a, b] = [await health(ports[0]!), await health(ports[1]!)];
      // Shared, and neither pushed the other off the broker.
      expect(a.stored).toBeGreaterThan(0);
      expect(b.stored).toBeGreaterThan(0);
      expect([a.mqtt, b.mqtt]).toEqual(['connected', 'connected']);
    } finally {
      for (const p of procs) p.child.kill('SIGTERM');
      await Promise.all(procs.map((p) => p.exited));
      await mosq.stop();
    }
  });
});
