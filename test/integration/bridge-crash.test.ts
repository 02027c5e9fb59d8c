import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { counterTopic } from '@okienko/protocol';
import { useMosquittoAndPostgres } from '../helpers/servers.ts';
import { freePort, waitFor } from '../helpers/net.ts';
import { okienko, type Proc } from '../helpers/okienko.ts';
import { freshDatabase } from '../helpers/postgres.ts';
import { signInWithCli } from '../helpers/session.ts';
import { REF, feedback } from '../helpers/messages.ts';

const servers = useMosquittoAndPostgres();

const stores: Record<string, () => Promise<string>> = {
  SQLite: async () => `sqlite:${path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-crash-')), 'b.db')}`,
  PostgreSQL: () => freshDatabase(servers.postgres().url),
};

describe.each(Object.entries(stores))('the bridge killed mid-stream (%s)', (name, storeUrl) => {
  it('loses no acknowledged event and stores none twice', { timeout: 90_000 }, async () => {
    const store = await storeUrl();
    const httpPort = await freePort();
    const api = `http://127.0.0.1:${httpPort}`;
    const clientId = `okienko-bridge-crash-${name}`;
    const startBridge = (): Proc => okienko(['bridge', '--mqtt-url', servers.mosquitto().url, '--store', store, '--http-port', String(httpPort), '--client-id', clientId]);
    let bridge = startBridge();
    await waitFor(async () => ((await (await fetch(`${api}/api/health`)).json()) as { mqtt: string }).mqtt === 'connected', { timeoutMs: 20_000, what: 'bridge up' });
    // Signed sessions outlive the bridge: the same one reads after the restart.
    const session = await signInWithCli(api, store);
    const stored = async (): Promise<number> => (await session.json<unknown[]>('/api/events?limit=10000')).length;

    const total = 2000;
    const events = Array.from({ length: total }, (_, i) => feedback(i + 1));
    const counter = await mqtt.connectAsync(servers.mosquitto().url, { clientId: `crash-counter-${name}` });
    // Each event is "confirmed" to the counter when the broker acknowledges it, as the outbox does.
    let acked = 0;
    const sending = Promise.all(events.map((e) => counter.publishAsync(counterTopic(REF, 'event'), JSON.stringify(e), { qos: 1 }).then(() => acked++)));
    await waitFor(async () => (await stored()) > 200, { timeoutMs: 30_000, what: 'the stream under way' });
    bridge.child.kill('SIGKILL');
    await bridge.exited;
    await sending; // the broker holds what the bridge has not taken yet
    expect(acked).toBe(total);
    bridge = startBridge();
    await waitFor(async () => (await stored().catch(() => 0)) >= total, { timeoutMs: 60_000, what: `all ${total} stored` });
    const rows = await session.json<{ id: string; seq: number }[]>('/api/events?limit=10000');
    expect(rows).toHaveLength(total);
    expect(new Set(rows.map((r) => r.id)).size).toBe(total);
    await counter.endAsync();
    bridge.child.kill('SIGTERM');
    await bridge.exited;
  });
});
