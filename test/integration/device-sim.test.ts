import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startEmbeddedBroker, type EmbeddedBroker } from '@okienko/broker-bridge';
import type { PanelView } from '@okienko/protocol';
import { okienko } from '../helpers/okienko.ts';
import { waitFor } from '../helpers/net.ts';

// Issue 19, rough edges: `okienko device` on the `sim` profile had no panel to press, and its
// --check waited 60 s for presses that could not come.

let broker: EmbeddedBroker;
let dir: string;
beforeAll(async () => {
  broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-devsim-'));
});
afterAll(async () => {
  await broker?.close();
});

function writeConfig(extra: Record<string, unknown> = {}): string {
  const file = path.join(dir, `device-${Math.random().toString(36).slice(2)}.json`);
  const config = {
    site: 'ratusz',
    counter: 'okienko-9',
    dataDir: path.join(dir, 'data'),
    hardware: { profile: 'sim' },
    roster: { '0A00000009': { id: 'k9', name: 'Ewa Mazur' } },
    mqtt: { url: `mqtt://127.0.0.1:${broker.port}` },
    ...extra,
  };
  fs.writeFileSync(file, JSON.stringify(config));
  return file;
}

describe('okienko device on the sim profile', () => {
  it('--check does not wait for presses that cannot come', async () => {
    const started = Date.now();
    const p = okienko(['device', '--config', writeConfig(), '--check']);
    expect(await p.exited).toBe(0);
    expect(p.output()).toContain('buttons: simulated — nothing to press here, so not listening');
    expect(p.output()).not.toContain('listening for 60 s');
    expect(Date.now() - started).toBeLessThan(20_000); // the process's start-up, not a minute of listening
  });

  it('serves the counter\'s virtual panel, whose buttons and badge reader drive it', async () => {
    const p = okienko(['device', '--config', writeConfig()]);
    try {
      const url = await waitFor(() => /panel at (http:\/\/\S+)/.exec(p.output())?.[1], { what: 'the panel address', timeoutMs: 60_000 });
      const api = url.replace('/sim/', '/sim/api/');
      const view = async (): Promise<PanelView> => (await (await fetch(api)).json()) as PanelView;
      expect((await fetch(url)).status).toBe(200);
      // Nobody signed in: closed; the roster's badge at the reader signs Ewa in.
      expect((await view()).status).toBe('closed');
      expect((await view()).badges).toEqual([{ badgeId: '0A00000009', name: 'Ewa Mazur' }]);
      const post = (what: string, body: unknown): Promise<Response> => fetch(`${api}/${what}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect((await post('badge', { badgeId: '0A00000009' })).status).toBe(200);
      expect(await view()).toMatchObject({ status: 'available', clerk: 'Ewa Mazur' });
      expect((await post('press', { button: 'clerk' })).status).toBe(200);
      expect((await view()).status).toBe('serving');
    } finally {
      p.child.kill('SIGTERM');
      await p.exited;
    }
  });
});
