import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { AvailabilityReport, counterTopic, type CounterRef, type CounterState } from '@okienko/protocol';
import { SqliteStore } from '@okienko/broker-bridge';
import { Ingest } from '../../broker-bridge/ingest/ingest.ts';
import { LiveHub } from '../../broker-bridge/live/hub.ts';
import { buildHttp } from '../../broker-bridge/http/server.ts';
import type { FastifyInstance } from 'fastify';
import { availability, buf, stateChange } from '../helpers/messages.ts';

// GET /api/reports/availability on the bridge's own clock, over a real (in-memory) store.

const T = Date.UTC(2026, 10, 20, 7, 0); // 08:00 in Warsaw
const H = 3_600_000;
const log = pino({ level: 'silent' });
let app: FastifyInstance | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

/** Six counters at two sites, as `npm start` brings them: online, each in its first state, and not one event. */
async function freshOffice(start: number) {
  let now = start;
  const store = new SqliteStore(':memory:');
  const ingest = new Ingest(store, { onEvent: () => {}, onCounter: () => {} }, log, () => now);
  app = buildHttp({ store, hub: new LiveHub(store, 'Europe/Warsaw', () => now), ingest, mqttConnected: () => true, log, timeZone: 'Europe/Warsaw', now: () => now });
  await app.ready();
  const refs: CounterRef[] = ['ratusz', 'filia'].flatMap((site) => ['okienko-1', 'okienko-2', 'okienko-3'].map((counter) => ({ site, counter })));
  for (const ref of refs) {
    await ingest.handle(counterTopic(ref, 'availability'), buf({ ...availability('online', 'boot-1'), ...ref, at: now }));
    const state: CounterState = { v: 1, ...ref, status: 'available', since: now, clerk: { id: 'k1', name: 'Anna Nowak' }, notice: null, seq: 0, at: now, clockSynced: true, scale: 4 };
    await ingest.handle(counterTopic(ref, 'state'), buf(state));
  }
  const report = async (query: string) => {
    const res = await app!.inject(`/api/reports/availability?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return AvailabilityReport.parse(res.json());
  };
  return { ingest, report, at: (ms: number) => void (now = ms), refs };
}

describe('the availability report over HTTP', () => {
  it('counts every counter of a fresh office, none of which changed yet, up to now on the bridge\'s clock', async () => {
    const o = await freshOffice(T);
    o.at(T + 2 * H);
    // The period runs into the future: it ends at the bridge's now, not the machine's.
    const { rows } = await o.report(`from=${T - H}&to=${T + 24 * H}`);
    expect(rows.map((r) => [r.group, r.ms.available, r.staffedPercent])).toEqual(
      ['filia', 'ratusz'].flatMap((site) => [1, 2, 3].map((n) => [`${site}/okienko-${n}`, 2 * H, 100])),
    );
    const sites = await o.report(`from=${T}&to=${T + 2 * H}&groupBy=site`);
    expect(sites.rows.map((r) => [r.group, r.ms.available])).toEqual([['filia', 6 * H], ['ratusz', 6 * H]]);
    const days = await o.report(`from=${T - 24 * H}&to=${T + 24 * H}&groupBy=day`);
    expect(days.rows.map((r) => [r.group, r.ms.available])).toEqual([['2026-11-19', 0], ['2026-11-20', 12 * H]]);
  });

  it('starts a later period in the state the last change before it left, once and again the next day', async () => {
    const o = await freshOffice(T);
    const ref = o.refs[0]!;
    let seq = 0;
    const change = async (to: 'available' | 'serving' | 'away' | 'closed', at: number, from: 'available' | 'serving' | 'away' | 'closed') => {
      o.at(at);
      await o.ingest.handle(counterTopic(ref, 'event'), buf({ ...stateChange(++seq, to, from), ...ref, at }));
    };
    await change('serving', T + H, 'available');
    await change('closed', T + 9 * H, 'serving'); // 17:00: closed for the night
    await change('available', T + 24 * H, 'closed'); // 08:00 the next day
    await change('away', T + 25 * H, 'available');
    o.at(T + 26 * H);
    const day1 = await o.report(`from=${T + 8 * H}&to=${T + 10 * H}&groupBy=counter`);
    expect(day1.rows[3]).toMatchObject({ group: 'ratusz/okienko-1', ms: { available: 0, serving: H, away: 0, closed: H } });
    const day2 = await o.report(`from=${T + 23 * H}&to=${T + 26 * H}`);
    expect(day2.rows[3]).toMatchObject({ group: 'ratusz/okienko-1', ms: { available: H, serving: 0, away: H, closed: H } });
    for (const r of day2.rows) expect(r.ms.available + r.ms.serving + r.ms.away + r.ms.closed).toBe(3 * H);
    // Forty days on, still away since that change: no month's look-back cuts it off.
    const later = T + 40 * 24 * H;
    o.at(later);
    const away = await o.report(`from=${later - H}&to=${later}`);
    expect(away.rows[3]).toMatchObject({ group: 'ratusz/okienko-1', ms: { available: 0, serving: 0, away: H, closed: 0 } });
  });

  it('names groupBy and what it takes when asked for an hour', async () => {
    await freshOffice(T);
    const res = await app!.inject('/api/reports/availability?groupBy=hour');
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toBe('groupBy: the availability report groups by counter, clerk, site, day (not hour)');
  });
});
