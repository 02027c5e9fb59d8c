import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.ts';
import { freePort, waitFor } from '../helpers/net.ts';
import { okienko, type Proc } from '../helpers/okienko.ts';
import { makeTestCa, type TestCa } from '../helpers/tls.ts';
import { signInWithCli } from '../helpers/session.ts';

let ca: TestCa;
let mosq: Mosquitto;
let url: string;
const procs: Proc[] = [];

beforeAll(async () => {
  ca = makeTestCa();
  // The only listener speaks TLS, with a certificate from the office's own CA.
  mosq = await startMosquitto([`certfile ${ca.certFile}`, `keyfile ${ca.keyFile}`]);
  url = `mqtts://localhost:${mosq.port}`;
});
afterAll(async () => {
  for (const p of procs) p.child.kill('SIGKILL');
  await mosq?.stop();
});

async function bridge(args: string[]): Promise<{ api: string; proc: Proc; store: string }> {
  const port = await freePort();
  const store = `sqlite:${path.join(ca.dir, `b-${port}.db`)}`;
  const proc = okienko(['bridge', '--mqtt-url', url, '--store', store, '--http-port', String(port), '--client-id', `tls-bridge-${port}`, ...args]);
  procs.push(proc);
  const api = `http://127.0.0.1:${port}`;
  await waitFor(() => proc.output().includes('okienko bridge:'), { timeoutMs: 20_000, what: 'the bridge started' });
  return { api, proc, store };
}

const health = async (api: string): Promise<{ mqtt: string }> => (await fetch(`${api}/api/health`)).json() as Promise<{ mqtt: string }>;

describe('MQTT over TLS (real Mosquitto, the office CA)', () => {
  it('carries a press from a counter to the bridge when both trust the office CA (both speaking MQTT 5)', async () => {
    const { api, store } = await bridge(['--mqtt-ca-file', ca.caFile, '--mqtt-version', '5']);
    const session = await signInWithCli(api, store);
    await waitFor(async () => (await health(api)).mqtt === 'connected', { timeoutMs: 20_000, what: 'bridge connected over TLS' });
    const simPort = await freePort();
    const sim = okienko(['sim', '--mqtt-url', url, '--mqtt-ca-file', ca.caFile, '--mqtt-version', '5', '--counters', '1', '--data-dir', fs.mkdtempSync(path.join(ca.dir, 'sim-')), '--http-port', String(simPort)]);
    procs.push(sim);
    const press = `http://127.0.0.1:${simPort}/sim/api/ratusz/okienko-1/press`;
    await waitFor(async () => (await fetch(press, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"button":"face-4"}' }).catch(() => null))?.status === 200, { timeoutMs: 20_000, what: 'the simulated counter' });
    await waitFor(async () => (await session.json<unknown[]>('/api/events?counter=okienko-1')).length === 1, { timeoutMs: 20_000, what: 'the press stored' });
  });

  it('does not connect to a broker whose certificate it cannot trust, and says why', async () => {
    const { api, proc } = await bridge([]);
    await waitFor(() => /--mqtt-ca-file/.test(proc.output()), { timeoutMs: 20_000, what: 'a certificate error with its fix in the log' });
    expect((await health(api)).mqtt).toBe('disconnected');
  });

  it('names mqtt.caFile and the fix when a counter\'s CA file is missing', async () => {
    const config = path.join(ca.dir, 'device.json');
    fs.writeFileSync(config, JSON.stringify({ site: 'ratusz', counter: 'okienko-1', mqtt: { url, caFile: path.join(ca.dir, 'nope.pem') } }));
    const device = okienko(['device', '--config', config]);
    expect(await device.exited).toBe(2);
    expect(device.output()).toMatch(/mqtt\.caFile: cannot read .*nope\.pem.*certificate/);
  });
});
