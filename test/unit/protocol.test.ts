import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  Availability,
  CounterCommand,
  CounterEvent,
  CounterState,
  Notice,
  counterTopic,
  jsonSchemas,
  parseTopic,
  startOfDay,
  formatHhMm,
  newEventId,
} from '@okienko/protocol';
import { SCHEMA_DIR, generatedDocuments } from '../../build/schemas.ts';

const ref = { site: 'ratusz', counter: 'okienko-1' };
const clerk = { id: 'k1', name: 'Anna Nowak' };

export function feedbackEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    v: 1,
    ...ref,
    id: randomUUID(),
    seq: 1,
    at: Date.UTC(2026, 10, 20, 9, 0),
    clockSynced: true,
    bootId: 'b1',
    type: 'feedback',
    face: 4,
    scale: 4,
    clerk,
    sessionId: null,
    flagged: false,
    ...overrides,
  };
}

describe('topics', () => {
  it('builds versioned per-counter topics and parses them back', () => {
    const t = counterTopic(ref, 'event');
    expect(t).toBe('okienko/v1/ratusz/okienko-1/event');
    expect(parseTopic(t)).toEqual({ ok: true, ...ref, kind: 'event' });
  });

  it.each([
    ['okienko/v2/ratusz/okienko-1/event', 'other version'],
    ['okienko/v1/ratusz/okienko-1', 'too short'],
    ['okienko/v1/ratusz/okienko-1/event/x', 'too long'],
    ['okienko/v1/Ratusz/okienko-1/event', 'uppercase id'],
    ['okienko/v1/ratusz/+/event', 'wildcard as id'],
    ['okienko/v1/ratusz/okienko-1/gossip', 'unknown kind'],
    ['something/else', 'foreign'],
  ])('rejects %s (%s)', (topic) => {
    expect(parseTopic(topic).ok).toBe(false);
  });

  it('refuses to build a topic from an id holding MQTT syntax', () => {
    expect(() => counterTopic({ site: 'ratusz', counter: '#' }, 'state')).toThrow(/invalid counter/);
    expect(() => counterTopic({ site: 'a/b', counter: 'c' }, 'state')).toThrow(/invalid counter/);
  });
});

describe('message schemas', () => {
  it('accepts a valid feedback and state-change event', () => {
    expect(CounterEvent.safeParse(feedbackEvent()).success).toBe(true);
    const change = {
      ...feedbackEvent(),
      type: 'state_changed',
      from: 'available',
      to: 'away',
      cause: 'clerk',
      notice: { backAt: Date.UTC(2026, 10, 20, 9, 45), reason: 'break', substitute: { name: 'Jan Kowalski', where: 'stanowisko 3' }, signedBy: clerk },
    };
    expect(CounterEvent.safeParse(change).success).toBe(true);
  });

  it.each([
    ['missing id', { id: undefined }],
    ['id not a uuid', { id: 'abc' }],
    ['sequence zero', { seq: 0 }],
    ['fractional sequence', { seq: 1.5 }],
    ['negative time', { at: -1 }],
    ['clock flag missing', { clockSynced: undefined }],
    ['face above the scale', { face: 5, scale: 4 }],
    ['face zero', { face: 0 }],
    ['scale of two', { scale: 2, face: 1 }],
    ['unknown type', { type: 'gossip' }],
    ['protocol version 2', { v: 2 }],
    ['counter id with a slash', { counter: 'a/b' }],
  ])('rejects an event with %s', (_name, overrides) => {
    expect(CounterEvent.safeParse(feedbackEvent(overrides)).success).toBe(false);
  });

  it('rejects an away notice that is not signed', () => {
    const state = { v: 1, ...ref, status: 'away', since: 1, clerk, seq: 3, at: 2, clockSynced: true, scale: 4, notice: { backAt: 5, reason: 'break', substitute: null } };
    expect(CounterState.safeParse(state).success).toBe(false);
    expect(CounterState.safeParse({ ...state, notice: { ...state.notice, signedBy: clerk } }).success).toBe(true);
  });

  it('knows offline only as availability, never as a counter status', () => {
    expect(Availability.safeParse({ v: 1, ...ref, status: 'offline', bootId: 'b', at: 1 }).success).toBe(true);
    expect(CounterState.safeParse({ v: 1, ...ref, status: 'offline', since: 1, clerk: null, notice: null, seq: 0, at: 1, clockSynced: false, scale: 4 }).success).toBe(false);
  });

  it('refuses text no store can keep (a NUL, half a surrogate pair) in every text a counter sends, and keeps whole pairs', () => {
    const away = { backAt: 5, reason: 'break', substitute: { name: 'Jan Kowalski', where: 'stanowisko 3' }, signedBy: clerk };
    const state = { v: 1, ...ref, status: 'away', since: 1, clerk, seq: 3, at: 2, clockSynced: true, scale: 4, notice: away };
    const online = { v: 1, ...ref, status: 'online', bootId: 'b', at: 1, version: '1.0.0', panelUrl: 'http://127.0.0.1:8080/panel' };
    const notice = { id: randomUUID(), text: 'Przerwa', from: 'Kierownik', at: 1, until: 2 };
    const texts: [string, (t: string) => boolean][] = [
      ['clerk id', (t) => CounterEvent.safeParse(feedbackEvent({ clerk: { id: t, name: 'Anna' } })).success],
      ['clerk name', (t) => CounterEvent.safeParse(feedbackEvent({ clerk: { id: 'k1', name: t } })).success],
      ['boot id', (t) => CounterEvent.safeParse(feedbackEvent({ bootId: t })).success],
      ['session id', (t) => CounterEvent.safeParse(feedbackEvent({ sessionId: t })).success],
      ['substitute', (t) => CounterState.safeParse({ ...state, notice: { ...away, substitute: { name: t, where: t } } }).success],
      ['signature', (t) => CounterState.safeParse({ ...state, notice: { ...away, signedBy: { id: 'k1', name: t } } }).success],
      ['availability boot id', (t) => Availability.safeParse({ ...online, bootId: t }).success],
      ['version', (t) => Availability.safeParse({ ...online, version: t }).success],
      ['panel address', (t) => Availability.safeParse({ ...online, panelUrl: `http://127.0.0.1:8080/${t}` }).success],
      ['notice text', (t) => Notice.safeParse({ ...notice, text: t }).success],
      ['notice sender', (t) => Notice.safeParse({ ...notice, from: t }).success],
    ];
    for (const [what, accepts] of texts) {
      // An emoji is a whole surrogate pair; the same pair split, or a NUL, is refused.
      expect([what, accepts('Anna \u{1F600}')]).toEqual([what, true]);
      for (const bad of ['Anna\u0000', 'Anna \ud83d', '\ude00 Anna', 'Anna \ude00\ud83d']) expect([what, JSON.stringify(bad), accepts(bad)]).toEqual([what, JSON.stringify(bad), false]);
    }
  });

  it('validates commands', () => {
    expect(CounterCommand.safeParse({ v: 1, ...ref, id: randomUUID(), at: 1, type: 'set_open', open: false }).success).toBe(true);
    expect(CounterCommand.safeParse({ v: 1, ...ref, id: randomUUID(), at: 1, type: 'set_open' }).success).toBe(false);
    expect(CounterCommand.safeParse({ v: 1, ...ref, id: randomUUID(), at: 1, type: 'reboot' }).success).toBe(false);
  });
});

describe('event ids', () => {
  it('are version 7 UUIDs that the event schema accepts, carry their time and sort by it', () => {
    const at = Date.UTC(2026, 10, 22, 9, 30);
    const id = newEventId(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
    expect(CounterEvent.safeParse(feedbackEvent({ id })).success).toBe(true);
    // One per millisecond over a day and across the 2^32 ms boundary of the 48-bit time.
    const times = [0, 1, 2 ** 32 - 1, 2 ** 32, at - 86_400_000, at, at + 1];
    const ids = times.map((t) => newEventId(t));
    expect([...ids].sort()).toEqual(ids);
    expect(ids.map((x) => parseInt(x.replace(/-/g, '').slice(0, 12), 16))).toEqual(times);
  });

  it('differ within one millisecond (the random part)', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newEventId(1_700_000_000_000)));
    expect(ids.size).toBe(10_000);
  });
});

describe('JSON Schema', () => {
  it('is generated for every message, with the OpenAPI and AsyncAPI documents, and the committed files are up to date', () => {
    const generated = generatedDocuments();
    expect(Object.keys(jsonSchemas()).sort()).toEqual(['Availability', 'CounterCommand', 'CounterEvent', 'CounterNotices', 'CounterState']);
    expect(Object.keys(generated)).toEqual(expect.arrayContaining(['openapi', 'asyncapi']));
    for (const [name, schema] of Object.entries(generated)) {
      const file = path.join(SCHEMA_DIR, `${name}.json`);
      expect(fs.existsSync(file), `${file} missing: run npx okienko build`).toBe(true);
      expect(JSON.parse(fs.readFileSync(file, 'utf8')), `${name}.json is stale: run npx okienko build`).toEqual(schema);
    }
  });
});

describe('office time', () => {
  it('formats HH:MM and finds midnight in Warsaw, across the DST change', () => {
    expect(formatHhMm(Date.UTC(2026, 10, 20, 9, 45))).toBe('10:45'); // CET = UTC+1
    expect(formatHhMm(Date.UTC(2026, 6, 20, 8, 45))).toBe('10:45'); // CEST = UTC+2
    expect(startOfDay(Date.UTC(2026, 10, 20, 9, 45))).toBe(Date.UTC(2026, 10, 19, 23, 0));
    expect(startOfDay(Date.UTC(2026, 6, 20, 8, 45))).toBe(Date.UTC(2026, 6, 19, 22, 0));
    // 29 March 2026: clocks go forward at 02:00; midnight was still CET.
    expect(startOfDay(Date.UTC(2026, 2, 29, 12, 0))).toBe(Date.UTC(2026, 2, 28, 23, 0));
    // Just after local midnight belongs to the new day.
    expect(startOfDay(Date.UTC(2026, 10, 19, 23, 0, 1))).toBe(Date.UTC(2026, 10, 19, 23, 0));
  });
});

describe('office time without Intl (a counter running in its own zone)', () => {
  it('gives the same HH:MM and midnight as Intl, across both DST changes', () => {
    const saved = process.env.TZ;
    const instants: number[] = [];
    for (let t = Date.UTC(2026, 2, 28, 20, 0); t < Date.UTC(2026, 2, 30, 4, 0); t += 17 * 60_000) instants.push(t);
    for (let t = Date.UTC(2026, 9, 24, 20, 0); t < Date.UTC(2026, 9, 26, 4, 0); t += 17 * 60_000) instants.push(t);
    try {
      delete process.env.TZ;
      const viaIntl = instants.map((t) => [formatHhMm(t), startOfDay(t)]);
      process.env.TZ = 'Europe/Warsaw';
      const viaDate = instants.map((t) => [formatHhMm(t), startOfDay(t)]);
      expect(viaDate).toEqual(viaIntl);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});
