import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, okienko } from '../helpers/okienko.ts';
import { freePort, waitFor } from '../helpers/net.ts';

describe('okienko command line', () => {
  it('lists its subcommands', async () => {
    const p = okienko(['--help']);
    expect(await p.exited).toBe(0);
    for (const cmd of ['start', 'device', 'bridge', 'sim']) expect(p.output()).toMatch(new RegExp(`^  ${cmd} `, 'm'));
  });

  it.each(['start', 'device', 'bridge', 'sim'])('has --help for %s', async (cmd) => {
    const p = okienko([cmd, '--help']);
    expect(await p.exited).toBe(0);
    expect(p.output()).toContain(`okienko ${cmd} — `);
    expect(p.output()).toContain('--');
  });

  it('names every bad setting with its flag, variable and a fix, and exits 2', async () => {
    const p = okienko(['start', '--http-port', 'eighty'], { OKIENKO_SIM_COUNTERS: '-3' });
    expect(await p.exited).toBe(2);
    expect(p.output()).toContain('--http-port / OKIENKO_HTTP_PORT');
    expect(p.output()).toContain('--sim-counters / OKIENKO_SIM_COUNTERS');
    expect(p.output()).toContain('OKIENKO_CONFIG_INVALID');
  });

  it('reports every error of a device config file at once', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-cfg-')), 'device.json');
    fs.writeFileSync(file, JSON.stringify({ site: 'Ratusz!', mqtt: { url: 'http://x' }, feedback: { scale: 7 }, colour: 'red' }));
    const p = okienko(['device', '--config', file]);
    expect(await p.exited).toBe(2);
    const out = p.output();
    expect(out).toMatch(/site: .*lowercase/);
    expect(out).toMatch(/counter: .*set "counter"/);
    expect(out).toMatch(/mqtt\.url: must start with mqtt:\/\//);
    expect(out).toMatch(/feedback\.scale: .*use 3, 4 or 5 faces/);
    expect(out).toMatch(/colour/);
  });

  it('says which port is taken instead of crashing', async () => {
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as net.AddressInfo).port;
    const p = okienko(['broker', '--mqtt-port', String(port)]);
    expect(await p.exited).toBe(2);
    expect(p.output()).toContain(`127.0.0.1:${port} is already in use`);
    taken.close();
  });

  it('okienko user says which store it wrote, and when it made a new one (a wrong folder, a wrong --store)', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-user-')), 'okienko.db');
    for (const [round, isNew] of [[1, true], [2, false]] as const) {
      const p = okienko(['user', '--store', `sqlite:${file}`, '--username', `u${round}`, '--role', 'viewer']);
      expect(await p.exited).toBe(0);
      expect(p.output()).toContain(`only its hash is kept, in sqlite:${file}`);
      expect(p.output().includes(`sqlite:${file} did not exist: this made a new, empty store there`), `round ${round}`).toBe(isNew);
    }
  });

  it('rejects an unknown flag with the command\'s help', async () => {
    const p = okienko(['bridge', '--colour', 'red']);
    expect(await p.exited).toBe(2);
    expect(p.output()).toContain('okienko bridge — ');
  });

  it('names the store by its absolute path in the first-admin hint of a bridge given a relative one', { timeout: 30_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-hint-'));
    // Relative to where the command runs (the repository's root); the hint must work from anywhere.
    const relative = path.relative(ROOT, path.join(dir, 'b.db'));
    const p = okienko(['bridge', '--mqtt-url', `mqtt://127.0.0.1:${await freePort()}`, '--store', `sqlite:${relative}`, '--http-port', String(await freePort())]);
    await waitFor(() => p.output().includes('no dashboard users yet'), { timeoutMs: 20_000, what: `the first-admin hint; output: ${p.output()}` });
    expect(p.output()).toContain(`npx okienko user --store sqlite:${path.join(dir, 'b.db')} --username admin --role admin`);
    p.child.kill('SIGTERM');
    await p.exited;
  });
});
