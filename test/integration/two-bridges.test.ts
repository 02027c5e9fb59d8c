import { describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import pg from 'pg';
import { counterTopic } from '@okienko/protocol';
import { useMosquittoAndPostgres } from '../helpers/servers.ts';
import { freePort, waitFor } from '../helpers/net.ts';
import { okienko, type Proc } from '../helpers/okienko.ts';
import { freshDatabase } from '../helpers/postgres.ts';
import { feedback } from '../helpers/messages.ts';

const servers = useMosquittoAndPostgres();

describe('two bridges sharing the stream into PostgreSQL', () => {
  it('store every event exactly once when one of them is killed mid-stream', { timeout: 120_000 }, async () => {
    const store = await freshDatabase(servers.postgres().url);
    const ports = [await freePort(), await freePort()];
    const start = (i: number): Proc =>
      okienko(['bridge', '--mqtt-url', servers.mosquitto().url, '--store', store, '--http-port', String(ports[i]), '--client-id', `okienko-bridge-${i}`, '--shared-group', 'okienko']);
    const bridges = [start(0), start(1)];
    for (const port of ports) {
      await waitFor(async () => ((await (await fetch(`http://127.0.0.1:${port}/api/health`)).json()) as { mqtt: string }).mqtt === 'connected', { timeoutMs: 20_000, what: 'bridges up' });
    }
    const db = new pg.Client({ connectionString: store });
    await db.connect();
    const count = async (): Promise<number> => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM events')).rows[0]!.n);

    // Twenty counters, so both bridges have work.
    const total = 3000;
    const events = Array.from({ length: total }, (_, i) => feedback(Math.floor(i / 20) + 1, { counter: `okienko-${(i % 20) + 1}` }));
    const sender = await mqtt.connectAsync(servers.mosquitto().url, { clientId: 'two-bridges-sender' });
    const sending = Promise.all(events.map((e) => sender.publishAsync(counterTopic(e, 'event'), JSON.stringify(e), { qos: 1 })));
    await waitFor(async () => (await count()) > 300, { timeoutMs: 30_000, what: 'the stream under way' });
    bridges[0]!.child.kill('SIGKILL');
    await bridges[0]!.exited;
    await sending;
    bridges[0] = start(0); // comes back for what the broker kept for it
    await waitFor(async () => (await count()) >= total, { timeoutMs: 60_000, what: `all ${total} stored` });
    const ids = await db.query<{ n: string; d: string }>('SELECT count(*) AS n, count(DISTINCT id) AS d FROM events');
    expect(ids.rows[0]).toEqual({ n: String(total), d: String(total) });
    // Every counter's row moved to its last event, whichever bridge stored which.
    const rows = await db.query<{ seq: number }>("SELECT (row->>'lastEventSeq')::int AS seq FROM counters");
    expect(rows.rows.map((r) => r.seq)).toEqual(Array(20).fill(total / 20));
    // The stream really was shared: the surviving bridge did not store it all.
    const survivor = (await (await fetch(`http://127.0.0.1:${ports[1]}/api/health`)).json()) as { stored: number };
    expect(survivor.stored).toBeGreaterThan(0);
    expect(survivor.stored).toBeLessThan(total);
    await db.end();
    await sender.endAsync();
    for (const b of bridges) b.child.kill('SIGTERM');
    await Promise.all(bridges.map((b) => b.exited));
  });
});
