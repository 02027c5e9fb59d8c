import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { API_ERRORS, isApiErrorCode } from '@okienko/protocol';
import { SqliteStore } from '@okienko/broker-bridge';
import { Ingest } from '../../broker-bridge/ingest/ingest.ts';
import { LiveHub } from '../../broker-bridge/live/hub.ts';
import { buildHttp } from '../../broker-bridge/http/server.ts';
import { EN, PL } from '../../dashboard/src/words.ts';
import { ROOT } from '../helpers/okienko.ts';

/** Every TypeScript file of the folders that answer HTTP. */
function sources(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name === 'dist') continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.tsx?$/.test(e.name)) out.push(p);
    }
  };
  for (const dir of ['broker-bridge', 'sim', 'cli']) walk(path.join(ROOT, dir));
  return out;
}

/** Each reply sent with an error status (`.code(4xx|5xx|variable)…send(…)`), with what it sends. */
function errorReplies(): { where: string; sent: string }[] {
  const found: { where: string; sent: string }[] = [];
  for (const file of sources()) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\.code\(\s*([^)]+?)\s*\)((?:\s*\.header\([^)]*\))*)\s*\.send\(\s*([^\n]*)/g)) {
      if (/^[123]\d\d$/.test(m[1]!)) continue; // a success
      const line = text.slice(0, m.index).split('\n').length;
      found.push({ where: `${path.relative(ROOT, file)}:${line}`, sent: m[3]! });
    }
  }
  return found;
}

describe('HTTP error codes (protocol/api-errors.ts)', () => {
  it('every error reply of every route sends a listed code', () => {
    const replies = errorReplies();
    expect(replies.length).toBeGreaterThan(20); // the scan finds the routes at all
    const wrong = replies.flatMap(({ where, sent }) => {
      // apiError(...) takes only a listed code (its type); a literal code must be in the list.
      const literal = /^(?:apiError\(|\{\s*\.\.\.apiError\(|\{\s*error:\s*)'([^']*)'/.exec(sent);
      if (literal) return isApiErrorCode(literal[1]) ? [] : [`${where}: '${literal[1]}' is not in API_ERRORS`];
      if (sent.startsWith('apiError(')) return [];
      return [`${where}: sends ${sent.slice(0, 60)} — use apiError('<code>', message)`];
    });
    expect(wrong).toEqual([]);
  });

  it('the dashboard has words for every code in Polish and English, and nothing more', () => {
    expect(Object.keys(PL.errors).sort()).toEqual(Object.keys(API_ERRORS).sort());
    expect(Object.keys(EN.errors).sort()).toEqual(Object.keys(API_ERRORS).sort());
  });

  describe('fastify\'s own answers', () => {
    let app: FastifyInstance;
    beforeEach(async () => {
      const store = new SqliteStore(':memory:');
      const log = pino({ level: 'silent' });
      app = buildHttp({ store, hub: new LiveHub(store, 'Europe/Warsaw'), ingest: new Ingest(store, { onEvent: () => {}, onCounter: () => {} }, log), mqttConnected: () => true, log });
      await app.ready();
    });
    afterEach(() => app.close());

    it('an unknown route, a body that is not JSON and an unknown alert each carry their code', async () => {
      const unknown = await app.inject('/api/nothing-here');
      expect([unknown.statusCode, unknown.json().error]).toEqual([404, 'not_found']);
      const badJson = await app.inject({ method: 'POST', url: '/api/alerts/x/ack', headers: { 'content-type': 'application/json' }, payload: '{"comment":' });
      expect([badJson.statusCode, badJson.json().error]).toEqual([400, 'bad_request']);
      const noAlert = await app.inject({ method: 'POST', url: '/api/alerts/nope/ack', payload: {} });
      expect([noAlert.statusCode, noAlert.json().error]).toEqual([404, 'no_alert']);
      const nul = await app.inject({ method: 'POST', url: '/api/alerts/nope/ack', payload: { comment: 'a\u0000b' } });
      expect([nul.statusCode, nul.json().error]).toEqual([400, 'bad_comment']);
    });
  });
});
