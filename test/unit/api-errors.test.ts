import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { API_ERRORS, ApiErrorBody, ERROR_CODES } from '@okienko/protocol';
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

/** Each reply that answers an error by hand (`.code(4xx|5xx|variable)…send(…)`, `send({ error`): none may. */
function errorsByHand(): string[] {
  const found: string[] = [];
  for (const file of sources()) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\.code\(\s*([^)]+?)\s*\)((?:\s*\.header\([^)]*\))*)\s*\.send\(|\.send\(\s*\{\s*error\b/g)) {
      if (m[1] && /^[123]\d\d$/.test(m[1])) continue; // a success
      found.push(`${path.relative(ROOT, file)}:${text.slice(0, m.index).split('\n').length}`);
    }
  }
  return found;
}

/** The codes the code base answers with: replyError's and apiError's literals, the sim's refusals, fastify's own (codeOfStatus). */
function codesUsed(): Set<string> {
  const used = new Set<string>();
  const texts = [...sources().map((f) => fs.readFileSync(f, 'utf8')), fs.readFileSync(path.join(ROOT, 'protocol/api-errors.ts'), 'utf8').split('export function codeOfStatus')[1]!];
  for (const text of texts) {
    for (const m of text.matchAll(/(?:replyError\((?:[^,()]|\([^()]*\))+,\s*|apiError\(\s*|Problem => \[\s*|: \[\s*|return ')'?(\w+)'/g)) used.add(m[1]!);
    // The counter's refusals pass on the device error's own code (protocol/errors.ts).
    if (/replyError\(reply, err\.code/.test(text)) for (const code of Object.values(ERROR_CODES)) used.add(code);
  }
  return used;
}

describe('HTTP error codes (protocol/api-errors.ts)', () => {
  it('every error reply goes through replyError: no route answers an error by hand', () => {
    expect(errorsByHand()).toEqual([]);
  });

  it('every code in the catalogue is used, and every code used is in it', () => {
    const used = codesUsed();
    expect(Object.keys(API_ERRORS).filter((c) => !used.has(c))).toEqual([]);
  });

  it('codes and their statuses change only on purpose (scripts and pages rely on them)', () => {
    expect(Object.fromEntries(Object.entries(API_ERRORS).map(([c, e]) => [c, e.status]))).toEqual({
      login_required: 401, forbidden: 403, csrf: 403, bad_login: 401, too_many_attempts: 429, bad_user: 400, no_such_user: 404, cannot_remove_self: 409,
      no_such_session: 404, session_ended: 401, bad_query: 400, bad_request: 400, payload_too_large: 413, unsupported_media_type: 415, not_found: 404,
      internal: 500, no_alert: 404, bad_comment: 400, bad_notice: 400, no_notice: 404, bad_device: 400, no_password_file: 409, device_has_credentials: 409,
      not_built: 503, no_sim_counter: 404, bad_button: 400, bad_badge: 400, sim_starting: 503, bad_load: 400, OKIENKO_OUTBOX_FULL: 503, OKIENKO_DISK_FULL: 503,
    });
    for (const e of Object.values(API_ERRORS)) expect(e.message.length).toBeGreaterThan(10);
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
      const xml = await app.inject({ method: 'POST', url: '/api/alerts/x/ack', headers: { 'content-type': 'text/xml' }, payload: '<a/>' });
      expect([xml.statusCode, xml.json().error]).toEqual([415, 'unsupported_media_type']);
      const big = await app.inject({ method: 'POST', url: '/api/alerts/x/ack', payload: { comment: 'x'.repeat(2_000_000) } });
      expect([big.statusCode, big.json().error]).toEqual([413, 'payload_too_large']);
      for (const r of [unknown, badJson, noAlert, nul, xml, big]) expect(ApiErrorBody.safeParse(r.json()).success).toBe(true);
    });
  });
});
