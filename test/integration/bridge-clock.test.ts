import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { AlertView, AvailabilityReport, LobbyView, NoticeView, counterTopic, type CounterState, type CounterView } from '@okienko/protocol';
import { SqliteStore, startBridge, type Bridge } from '@okienko/broker-bridge';
import { signInAsNewAdmin, type Api } from '../helpers/session.ts';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.ts';
import { waitFor } from '../helpers/net.ts';
import { REF, feedback, stateChange } from '../helpers/messages.ts';

// The real bridge on a clock the test moves (startBridge's `now`), through a real Mosquitto:
// everything it dates reads that clock, not the machine's. A day long past, so the machine's
// "today" would count nothing of it.

const DAY = Date.UTC(2025, 5, 2, 6, 0); // 08:00 in Warsaw, 2 June 2025
let now = DAY;
let mosq: Mosquitto;
let bridge: Bridge;
let api: Api;
let counter: MqttClient;

beforeAll(async () => {
  mosq = await startMosquitto();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-clock-'));
  bridge = await startBridge({
    mqtt: { url: mosq.url, protocolVersion: 4, clientId: 'okienko-bridge-clock' },
    store: new SqliteStore(path.join(dir, 'bridge.db')),
    http: { host: '127.0.0.1', port: 0 },
    timeZone: 'Europe/Warsaw',
    log: pino({ level: 'silent' }),
    now: () => now,
  });
  api = await signInAsNewAdmin(bridge.url, bridge.store);
  counter = await mqtt.connectAsync(mosq.url, { clientId: 'okienko-ratusz-okienko-1' });
});
afterAll(async () => {
  await counter?.endAsync();
  await bridge?.close();
  await mosq?.stop();
});

const publish = (kind: 'state' | 'event' | 'availability', message: unknown) => counter.publishAsync(counterTopic(REF, kind), JSON.stringify(message), { qos: 1, retain: kind !== 'event' });
const shown = async () => (await api.json<CounterView[]>('/api/counters')).find((c) => c.counter === REF.counter);

describe('the bridge on an injected clock', () => {
  it('dates what it receives, raises, clears, acknowledges, reports and shows by that clock', async () => {
    await publish('availability', { v: 1, ...REF, status: 'online', bootId: 'boot-1', at: now });
    const state: CounterState = { v: 1, ...REF, status: 'available', since: now, clerk: { id: 'k1', name: 'Anna Nowak' }, notice: null, seq: 0, at: now, clockSynced: true, scale: 4 };
    await publish('state', state);
    await waitFor(async () => (await shown())?.online, { what: 'the counter online' });

    now += 60_000;
    await publish('event', feedback(1, { at: now, face: 4 }));
    await waitFor(async () => (await shown())?.feedbackToday['4'] === 1, { what: "the vote among the clock's today" });
    const [stored] = await api.json<{ receivedAt: number }[]>('/api/events');
    expect(stored!.receivedAt).toBe(now);

    // Away, and past the announced return on this clock: the alert is raised at its time.
    const backAt = now + 5 * 60_000;
    await publish('event', { ...stateChange(2, 'away'), at: now, notice: { backAt, reason: 'break', substitute: null, signedBy: state.clerk } });
    await waitFor(async () => (await shown())?.status === 'away', { what: 'away' });
    now = backAt + 3 * 60_000;
    await bridge.alerts.check();
    const [overdue] = AlertView.array().parse(await api.json('/api/alerts?kind=away_overdue'));
    expect(overdue).toMatchObject({ raisedAt: now, clearedAt: null });
    now += 1000;
    const acked = AlertView.parse(await (await api.post(`/api/alerts/${overdue!.id}/ack`, { comment: 'dzwonię' })).json());
    expect(acked.ackedAt).toBe(now);

    // The lobby's time, a notice's start and end, a report's period up to now.
    expect(LobbyView.parse(await (await fetch(`${bridge.url}/api/public/lobby`)).json()).at).toBe(now);
    const notice = NoticeView.parse(await (await api.post('/api/notices', { site: REF.site, text: 'Kasa nieczynna', from: 'BOM', minutes: 30 })).json());
    expect([notice.at, notice.until, notice.active]).toEqual([now, now + 30 * 60_000, true]);
    const report = AvailabilityReport.parse(await api.json('/api/reports/availability'));
    expect(report.to).toBe(now);
    expect(report.rows[0]!.ms).toEqual({ available: 60_000, serving: 0, away: now - (DAY + 60_000), closed: 0 });

    // Offline: the grace counts on this clock from when the bridge heard of it.
    await publish('availability', { v: 1, ...REF, status: 'offline', bootId: 'boot-1', at: now });
    await waitFor(async () => (await shown())?.online === false, { what: 'offline' });
    expect((await shown())?.offlineAt).toBe(now);
    now += 30_000;
    await bridge.alerts.check();
    expect(await api.json('/api/alerts?kind=offline')).toEqual([]);
    expect(AlertView.array().parse(await api.json('/api/alerts?kind=away_overdue'))[0]!.clearedAt).toBe(now); // offline: no longer "away"
    now += 31_000;
    await bridge.alerts.check();
    expect(AlertView.array().parse(await api.json('/api/alerts?kind=offline')).map((a) => a.raisedAt)).toEqual([now]);
  });
});
