import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { CounterNotices, type NoticeView, type PanelView } from '@okienko/protocol';
import { CounterDevice, counterDeviceOptions, systemClock } from '@okienko/device';
import { SimulatedHardware } from '@okienko/hardware';
import { startTestBridge } from '../helpers/bridge.ts';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.ts';
import { freePort, waitFor } from '../helpers/net.ts';
import { okienko, type Proc } from '../helpers/okienko.ts';

let mosq: Mosquitto;
let bridge: Awaited<ReturnType<typeof startTestBridge>>;
let sim: Proc;
let simUrl: string;
let dir: string;

beforeAll(async () => {
  mosq = await startMosquitto();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-notices-'));
  bridge = await startTestBridge(mosq.url, dir, 'okienko-bridge-notices');
  const simPort = await freePort();
  simUrl = `http://127.0.0.1:${simPort}`;
  // Four counters: ratusz/okienko-1, ratusz/okienko-2, filia/okienko-1, filia/okienko-2.
  sim = okienko(['sim', '--mqtt-url', mosq.url, '--counters', '4', '--data-dir', dir, '--http-port', String(simPort)]);
  await waitFor(async () => (await bridge.hub.snapshot()).filter((c) => c.online).length === 4, { timeoutMs: 20_000, what: 'four counters online' });
});
afterAll(async () => {
  sim?.child.kill('SIGKILL');
  await bridge?.close();
  await mosq?.stop();
});

const post = (body: unknown): Promise<Response> => bridge.api.post('/api/notices', body);

/** What the broker holds, retained, on every counter's notice topic: counter → notice texts. */
async function retainedNotices(): Promise<Record<string, string[]>> {
  const sub = await mqtt.connectAsync(mosq.url, { clientId: `notice-check-${Math.random()}` });
  const seen: Record<string, string[]> = {};
  sub.on('message', (topic, payload) => {
    const [, , site, counter] = topic.split('/');
    seen[`${site}/${counter}`] = payload.length === 0 ? [] : CounterNotices.parse(JSON.parse(payload.toString())).notices.map((n) => n.text);
  });
  await sub.subscribeAsync('okienko/v1/+/+/notice', { qos: 1 });
  // Retained messages come right after the SUBACK; a round trip through the broker after them marks their end.
  await sub.publishAsync('notice-check/end', 'x', { qos: 1 });
  await sub.endAsync();
  return Object.fromEntries(Object.entries(seen).filter(([, texts]) => texts.length > 0));
}

const panelText = async (site: string, counter: string): Promise<string> =>
  ((await (await fetch(`${simUrl}/sim/api/${site}/${counter}`)).json()) as PanelView).hardware.lines.join(' ');

describe('notices to displays (real Mosquitto, simulated counters)', () => {
  let siteNotice: NoticeView;

  it('sends a site notice to every display at the site and no other, and a counter\'s own to that counter only', async () => {
    const res = await post({ site: 'ratusz', text: 'Od 12:00 przerwa techniczna systemu', from: 'Kierownik BOM', minutes: 30 });
    expect(res.status).toBe(201);
    siteNotice = (await res.json()) as NoticeView;
    expect(siteNotice).toMatchObject({ site: 'ratusz', counter: null, active: true, withdrawnAt: null });
    expect(siteNotice.until - siteNotice.at).toBe(30 * 60_000);
    expect((await post({ site: 'ratusz', counter: 'okienko-2', text: 'Okienko 2: tylko dowody osobiste', from: 'Kierownik BOM', minutes: 60 })).status).toBe(201);
    await waitFor(async () => Object.keys(await retainedNotices()).length === 2, { what: 'notices retained for two counters' });
    expect(await retainedNotices()).toEqual({
      'ratusz/okienko-1': ['Od 12:00 przerwa techniczna systemu'],
      'ratusz/okienko-2': ['Od 12:00 przerwa techniczna systemu', 'Okienko 2: tylko dowody osobiste'],
    });
    // Pages turn every 4 s; the notice comes after the counter's own message.
    await waitFor(async () => (await panelText('ratusz', 'okienko-1')).includes('przerwa techniczna'), { timeoutMs: 15_000, intervalMs: 250, what: 'the notice on the display' });
    const active = await bridge.api.json<NoticeView[]>('/api/notices?active=true');
    expect(active.map((n) => n.counter)).toEqual(['okienko-2', null]);
  });

  it('reaches a counter of the site that comes online for the first time after it was sent', async () => {
    const hw = new SimulatedHardware({ cols: 32, rows: 6 });
    const late = CounterDevice.open(
      counterDeviceOptions({ ref: { site: 'ratusz', counter: 'okienko-7' }, dataDir: path.join(dir, 'late'), url: mosq.url }, { clerk: { id: 'k7', name: 'Ewa Mazur' }, tickMs: 250 }),
      hw,
      systemClock(true),
      pino({ level: 'silent' }),
    );
    await late.start();
    await waitFor(() => late.showingNotices(Date.now()).length === 1, { what: 'the site notice on the late counter' });
    expect(late.showingNotices(Date.now())[0]!.text).toBe('Od 12:00 przerwa techniczna systemu');
    await late.stop();
  });

  it('takes a withdrawn notice down everywhere, keeping it on record', async () => {
    const res = await bridge.api.del(`/api/notices/${siteNotice.id}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: siteNotice.id, active: false });
    await waitFor(async () => !('ratusz/okienko-1' in (await retainedNotices())), { what: 'the site notice gone from the broker' });
    expect(await retainedNotices()).toEqual({ 'ratusz/okienko-2': ['Okienko 2: tylko dowody osobiste'] });
    const all = await bridge.api.json<NoticeView[]>('/api/notices');
    expect(all.find((n) => n.id === siteNotice.id)).toMatchObject({ active: false, withdrawnAt: expect.any(Number) });
    expect((await bridge.api.del('/api/notices/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('refuses a notice without an end or text, naming the field', async () => {
    const noEnd = await post({ site: 'ratusz', text: 'Bez końca', from: 'BOM' });
    expect(noEnd.status).toBe(400);
    expect(((await noEnd.json()) as { message: string }).message).toMatch(/minutes/);
    const empty = await post({ site: 'ratusz', text: '   ', from: 'BOM', minutes: 5 });
    expect(((await empty.json()) as { message: string }).message).toMatch(/text/);
  });
});
