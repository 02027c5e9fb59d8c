import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { SqliteStore } from '@okienko/broker-bridge';
import { Ingest } from '../../broker-bridge/ingest/ingest.ts';
import { LiveHub } from '../../broker-bridge/live/hub.ts';
import { buildHttp } from '../../broker-bridge/http/server.ts';

const log = pino({ level: 'silent' });

async function app(secureCookies = false) {
  const store = new SqliteStore(':memory:');
  const hub = new LiveHub(store, 'Europe/Warsaw');
  const ingest = new Ingest(store, { onEvent: () => {}, onCounter: () => {} }, log);
  const http = buildHttp({ store, hub, ingest, mqttConnected: () => true, log, auth: { store, secureCookies } });
  await http.ready();
  return http;
}

describe('security headers (helmet)', () => {
  it('come with every reply: the lobby\'s data, health, a refused API call and the redirect to the login page', async () => {
    const http = await app();
    for (const url of ['/api/public/lobby', '/api/health', '/api/counters', '/', '/reports']) {
      const res = await http.inject(url);
      expect(res.headers['content-security-policy'], url).toBe(
        "default-src 'self';script-src 'self';script-src-attr 'none';style-src 'self';img-src 'self' data:;font-src 'self';connect-src 'self';object-src 'none';base-uri 'self';form-action 'self';frame-ancestors 'none'",
      );
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['x-frame-options'], url).toBe('DENY');
      expect(res.headers['referrer-policy'], url).toBe('same-origin');
      // Plain HTTP on the office's network: no HSTS, no upgrade of every script to HTTPS.
      expect(res.headers['strict-transport-security'], url).toBeUndefined();
    }
    expect((await http.inject('/api/counters')).statusCode).toBe(401);
    await http.close();
  });

  it('add HSTS only behind HTTPS', async () => {
    const http = await app(true);
    expect((await http.inject('/api/health')).headers['strict-transport-security']).toBe('max-age=15552000');
    await http.close();
  });
});
