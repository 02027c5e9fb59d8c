import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { z } from 'zod';
import { CounterView, Health, StoredEventView, counterTopic } from '@okienko/protocol';
import { SqliteStore } from '@okienko/broker-bridge';
import { Ingest } from '../../broker-bridge/ingest/ingest.ts';
import { LiveHub } from '../../broker-bridge/live/hub.ts';
import { buildHttp } from '../../broker-bridge/http/server.ts';
import type { FastifyInstance } from 'fastify';
import { REF, buf, feedback } from '../helpers/messages.ts';

const log = pino({ level: 'silent' });
let app: FastifyInstance;
let ingest: Ingest;
let store: SqliteStore;

beforeEach(async () => {
  store = new SqliteStore(':memory:');
  const hub = new LiveHub(store, 'Europe/Warsaw');
  ingest = new Ingest(store, { onEvent: () => {}, onCounter: () => {} }, log);
  app = buildHttp({ store, hub, ingest, mqttConnected: () => true, log });
  await app.ready();
});
afterEach(() => app.close());

describe('HTTP API', () => {
  it('reports health with rejected counts by reason', async () => {
    await ingest.handle('nope', buf('x'));
    const res = await app.inject('/api/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', rejected: { unknown_topic: 1, invalid_json: 0 } });
  });

  it('filters events by counter and time', async () => {
    const t = Date.UTC(2026, 10, 20, 9, 0);
    await ingest.handle(counterTopic(REF, 'event'), buf(feedback(1, { at: t })));
    await ingest.handle(counterTopic(REF, 'event'), buf(feedback(2, { at: t + 60_000 })));
    await ingest.handle(counterTopic({ ...REF, counter: 'okienko-2' }, 'event'), buf(feedback(1, { counter: 'okienko-2', at: t })));
    const all = (await app.inject('/api/events')).json() as unknown[];
    expect(all).toHaveLength(3);
    const one = (await app.inject('/api/events?counter=okienko-1')).json() as { seq: number }[];
    expect(one.map((e) => e.seq)).toEqual([1, 2]);
    const later = (await app.inject(`/api/events?counter=okienko-1&from=${new Date(t + 1).toISOString()}`)).json() as { seq: number }[];
    expect(later.map((e) => e.seq)).toEqual([2]);
    const before = (await app.inject(`/api/events?to=${t + 1}`)).json() as unknown[];
    expect(before).toHaveLength(2);
  });

  it('answers a bad query with 400 and says which parameter', async () => {
    const res = await app.inject('/api/events?from=yesterday&limit=0');
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/from/);
    expect(res.json().message).toMatch(/limit/);
  });

  it('lists counters with site, counter and status', async () => {
    await ingest.handle(counterTopic(REF, 'event'), buf(feedback(1)));
    const list = (await app.inject('/api/counters')).json() as { site: string; counter: string; status: string }[];
    expect(list).toEqual([expect.objectContaining({ site: 'ratusz', counter: 'okienko-1', status: 'offline' })]);
  });

  it('serves Prometheus metrics from the bridge\'s own counts', async () => {
    await ingest.handle(counterTopic(REF, 'event'), buf(feedback(1)));
    await ingest.handle('nope', buf('x'));
    const res = await app.inject('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.body).toMatch(/^okienko_events_stored_total 1$/m);
    expect(res.body).toMatch(/^okienko_messages_rejected_total\{reason="unknown_topic"\} 1$/m);
    expect(res.body).toMatch(/^okienko_counters\{status="offline"\} 1$/m);
    expect(res.body).toMatch(/^okienko_mqtt_connected 1$/m);
  });

  it('answers in the shapes its OpenAPI document describes, generated from the same schemas', async () => {
    await ingest.handle(counterTopic(REF, 'event'), buf(feedback(1)));
    expect(Health.safeParse((await app.inject('/api/health')).json()).success).toBe(true);
    expect(z.array(CounterView).safeParse((await app.inject('/api/counters')).json()).success).toBe(true);
    expect(z.array(StoredEventView).safeParse((await app.inject('/api/events')).json()).success).toBe(true);
    const openapi = (await app.inject('/api/openapi.json')).json() as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining(['/api/health', '/api/counters', '/api/events', '/api/reports/feedback', '/api/reports/availability', '/api/alerts', '/api/stream', '/metrics', '/api/sessions', '/api/devices']),
    );
    const asyncapi = (await app.inject('/api/asyncapi.json')).json() as { channels: Record<string, { address: string }> };
    expect(asyncapi.channels.event?.address).toBe('okienko/v1/{site}/{counter}/event');
  });

  it('lists alerts and takes an acknowledgement with a comment', async () => {
    expect((await app.inject('/api/alerts?open=true')).json()).toEqual([]);
    const a = await store.raiseAlert({ key: 'k', kind: 'offline', site: 'ratusz', counter: 'okienko-1', message: 'ratusz/okienko-1 is offline', facts: { at: 1 } }, 1);
    expect(((await app.inject('/api/alerts?open=true')).json() as { id: string }[]).map((x) => x.id)).toEqual([a!.id]);
    const ack = await app.inject({ method: 'POST', url: `/api/alerts/${a!.id}/ack`, payload: { comment: 'wiem, wymiana zasilacza', by: 'kierownik' } });
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toMatchObject({ ackedBy: 'kierownik', comment: 'wiem, wymiana zasilacza' });
    expect((await app.inject({ method: 'POST', url: '/api/alerts/nope/ack', payload: {} })).statusCode).toBe(404);
  });

  it('refuses an acknowledgement comment PostgreSQL could not keep, and cuts a long one between characters', async () => {
    const a = await store.raiseAlert({ key: 'k', kind: 'offline', site: 'ratusz', counter: 'okienko-1', message: 'ratusz/okienko-1 is offline', facts: {} }, 1);
    const ack = (comment: string) => app.inject({ method: 'POST', url: `/api/alerts/${a!.id}/ack`, payload: { comment, by: 'kierownik' } });
    const refused = await ack('wiem\u0000');
    expect([refused.statusCode, refused.json().error, refused.json().message]).toEqual([400, 'bad_comment', expect.stringContaining('NUL')]);
    expect((await app.inject('/api/alerts?open=true')).json()).toMatchObject([{ ackedAt: null }]);
    // 2,001 emoji: the cut keeps 2,000 whole ones, not 1,000 and a half.
    const long = await ack('\u{1F600}'.repeat(2001));
    expect(long.statusCode).toBe(200);
    expect(long.json().comment).toBe('\u{1F600}'.repeat(2000));
  });

  it('filters the alert history, exports it as CSV, and names a bad filter', async () => {
    await store.raiseAlert({ key: 'a', kind: 'offline', site: 'ratusz', counter: 'okienko-1', message: 'ratusz/okienko-1 is offline', facts: {} }, 1000);
    await store.raiseAlert({ key: 'b', kind: 'unhappy_run', site: 'filia', counter: 'okienko-2', message: 'filia/okienko-2: 3 unhappy votes, "bad"', facts: { count: 3 } }, 2000);
    const keys = async (q: string) => ((await app.inject(`/api/alerts?${q}`)).json() as { key: string }[]).map((x) => x.key);
    expect(await keys('site=filia')).toEqual(['b']);
    expect(await keys('kind=offline')).toEqual(['a']);
    expect(await keys('from=1970-01-01T00:00:01.500Z')).toEqual(['b']);
    // Polish by default, as Polish Excel reads it: `;`, office times, the message in Polish.
    const csv = await app.inject('/api/alerts?site=filia&format=csv');
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body).toContain('zgłoszono;rodzaj;biuro;stanowisko;opis;ustało;potwierdzono;potwierdził(a);komentarz\r\n01.01.1970 01:00;unhappy_run;filia;okienko-2;filia/okienko-2: 3 złe oceny z rzędu;;;;');
    const en = await app.inject('/api/alerts?site=filia&format=csv&lang=en');
    expect(en.body).toContain('raised_at,kind,site,counter,message,cleared_at,acked_at,acked_by,comment\r\n1970-01-01 01:00,unhappy_run,filia,okienko-2,filia/okienko-2: 3 unhappy votes in a row,,,,');
    expect((await app.inject('/api/alerts?format=csv&lang=de')).json()).toMatchObject({ error: 'bad_query', message: expect.stringMatching(/^lang:/) });
    const bad = await app.inject('/api/alerts?kind=fire');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'bad_query', message: expect.stringMatching(/^kind:/) });
    expect((await app.inject('/api/public/office')).json()).toEqual({ timeZone: 'Europe/Warsaw', demo: null });
  });


  it('serves the satisfaction report as JSON and as CSV, and names a bad parameter', async () => {
    const t = Date.now() - 60_000;
    await ingest.handle(counterTopic(REF, 'event'), buf(feedback(1, { at: t, face: 4 })));
    const json = (await app.inject('/api/reports/feedback?groupBy=counter')).json() as { rows: { group: string; score: number }[] };
    expect(json.rows).toEqual([expect.objectContaining({ group: 'ratusz/okienko-1', votes: 1, score: 100 })]);
    const csv = await app.inject('/api/reports/feedback?groupBy=counter&format=csv');
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    // The columns follow the four-face scale the vote was cast on: no face_5.
    expect(csv.body).toContain('stanowisko;oceny;wynik (0-100);ocena 1;ocena 2;ocena 3;ocena 4\r\nratusz/okienko-1;1;100;0;0;0;1\r\n');
    expect((await app.inject('/api/reports/feedback?groupBy=counter&format=csv&lang=en')).body).toContain('counter,votes,score,face_1,face_2,face_3,face_4\r\nratusz/okienko-1,1,100,0,0,0,1\r\n');
    expect((await app.inject('/api/reports/availability?groupBy=hour')).statusCode).toBe(400);
    expect((await app.inject('/api/reports/availability?groupBy=day')).statusCode).toBe(200);
    expect((await app.inject('/api/reports/feedback?groupBy=weekday')).json().message).toMatch(/groupBy/);
  });
});
