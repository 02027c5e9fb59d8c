// Over 300 lines on purpose: one MQTT connection's life — connect, the drain of the outbox in
// order with its window of unacknowledged publishes, the retained state and will, subscriptions
// (peers, commands, notices), back-off — shares the client and the in-flight window; each part
// split off would reach into the same two. What is pure lives apart (presence.ts, home-assistant.ts).
import { EventEmitter } from 'node:events';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { Availability, CounterCommand, CounterNotices, CounterState } from '@okienko/protocol/messages';
import { counterTopic, parseTopic, sitePeerFilters, type CounterRef } from '@okienko/protocol/topics';
import { ERROR_CODES, OkienkoError } from '@okienko/protocol/errors';
import type { FileOutbox } from './outbox.ts';
import type { PeerMessage } from './presence.ts';
import { MIGRATE_DISCOVERY, discoveryMessage, legacyDiscoveryTopics, type HomeAssistantOptions } from './home-assistant.ts';

/** How long a stop waits for MQTT.js to end cleanly before it closes the connection. */
const STOP_GRACE_MS = 2000;

export interface LinkOptions {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  keepaliveS: number;
  /** 4 = MQTT 3.1.1 (the embedded aedes broker), 5 = MQTT 5. */
  protocolVersion: 4 | 5;
  /** For mqtts:// with the office's own certificate authority. */
  ca?: Buffer | undefined;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** Events in flight at once while draining the outbox. */
  window: number;
  /** Announce the counter to Home Assistant (MQTT discovery) under this prefix. */
  homeAssistant?: HomeAssistantOptions | undefined;
  /** Listen to the site's other counters' retained state and availability (who is there, for away notices). */
  peers?: boolean | undefined;
}

export interface LinkIdentity {
  ref: CounterRef;
  bootId: string;
  version: string;
  panelUrl?: string | undefined;
  /** Faces on this counter, for the Home Assistant feedback entity. */
  scale?: number;
}

/**
 * The counter's connection to the broker. Drains the durable outbox in order over QoS 1 and
 * acknowledges an event in the outbox only on the broker's PUBACK. Announces itself online
 * (retained) with an offline last will, publishes its retained state, listens for commands, and
 * reconnects with jittered exponential back-off so a fleet doesn't reconnect in lockstep.
 */
export class CounterLink extends EventEmitter<{
  up: [];
  down: [];
  command: [CounterCommand];
  /** The notices to show now, as the central side last said (null: none). */
  notices: [CounterNotices | null];
  rejected: [string];
  acked: [number];
  /** An event (by sequence number) is going out to the broker now. */
  publishing: [number];
  announced: [];
  /** An old per-entity discovery config was moved to the device message and cleared (its topic). */
  migrated: [string];
  /** The broker refused the login (wrong username or password, or not authorised): a person must act. */
  login_refused: [OkienkoError];
  /** A retained state or availability of another counter of the site (options.peers). */
  peer: [PeerMessage];
}> {
  private client: MqttClient | null = null;
  private inflight = new Set<number>();
  private attempts = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private stopping = false;
  private connectedAt = Number.POSITIVE_INFINITY;
  private readonly topics;
  /** Set from a refused login until the next one that succeeds. */
  private refusal: OkienkoError | null = null;

  constructor(
    private readonly options: LinkOptions,
    private readonly identity: LinkIdentity,
    private readonly outbox: FileOutbox,
    private readonly currentState: () => CounterState,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    super();
    const ref = identity.ref;
    this.topics = {
      event: counterTopic(ref, 'event'),
      state: counterTopic(ref, 'state'),
      availability: counterTopic(ref, 'availability'),
      command: counterTopic(ref, 'command'),
      notice: counterTopic(ref, 'notice'),
    };
  }

  get isUp(): boolean {
    return this.client?.connected ?? false;
  }

  /** Why the link is down when a person must act: the broker refused this counter's login. */
  get loginRefused(): OkienkoError | null {
    return this.refusal;
  }

  start(): void {
    const { ref, bootId } = this.identity;
    const will: Availability = { v: 1, ...ref, status: 'offline', bootId, at: this.now() };
    this.client = mqtt.connect(this.options.url, {
      clientId: `okienko-${ref.site}-${ref.counter}`,
      username: this.options.username,
      password: this.options.password,
      keepalive: this.options.keepaliveS,
      protocolVersion: this.options.protocolVersion,
      ca: this.options.ca,
      clean: true,
      // Our outbox is the queue; MQTT.js must not keep its own in memory.
      queueQoSZero: false,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      will: { topic: this.topics.availability, payload: Buffer.from(JSON.stringify(will)), qos: 1, retain: true },
    });
    this.client.on('connect', () => this.onConnect());
    this.client.on('close', () => this.onClose());
    this.client.on('error', (err) => this.onError(err));
    this.client.on('message', (topic, payload) => this.onMessage(topic, payload));
  }

  /** Send whatever the outbox holds, up to the window. Safe to call at any time. */
  drain(): void {
    const client = this.client;
    if (!client?.connected) return;
    for (const event of this.outbox.pending()) {
      if (this.inflight.size >= this.options.window) return;
      if (this.inflight.has(event.seq)) continue;
      this.inflight.add(event.seq);
      // Recorded before this connection came up: it was queued while offline, so it is history.
      const payload = event.at < this.connectedAt ? { ...event, historical: true } : event;
      this.emit('publishing', event.seq);
      client.publish(this.topics.event, JSON.stringify(payload), { qos: 1 }, (err) => {
        this.inflight.delete(event.seq);
        if (err) return; // re-sent from the outbox on the next connect
        this.outbox.ack(event.seq);
        this.emit('acked', event.seq);
        this.drain();
      });
    }
  }

  publishState(): void {
    const client = this.client;
    if (!client?.connected) return; // sent again on connect
    client.publish(this.topics.state, JSON.stringify(this.currentState()), { qos: 1, retain: true });
  }

  /** Wait (up to timeoutMs) until the outbox is empty, while connected: a clean stop sends what it can first. */
  async flush(timeoutMs: number): Promise<void> {
    const deadline = this.now() + timeoutMs;
    while (this.isUp && this.outbox.size > 0 && this.now() < deadline) {
      this.drain();
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(t);
          this.off('acked', done);
          resolve();
        };
        const t = setTimeout(done, 100);
        this.on('acked', done);
      });
    }
  }

  /** Say offline on purpose (a clean stop) so the dashboard knows at once, then disconnect. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const client = this.client;
    if (!client) return;
    if (client.connected) {
      const offline: Availability = { v: 1, ...this.identity.ref, status: 'offline', bootId: this.identity.bootId, at: this.now() };
      await client.publishAsync(this.topics.availability, JSON.stringify(offline), { qos: 1, retain: true }).catch(() => {});
    }
    // MQTT.js waits for every in-flight publish before it ends, and after a broker restart one may
    // never be answered (found with 1,000 counters: 10 never stopped). Whatever is unanswered is
    // still in the outbox and goes again at the next start, so after a short wait: end at once.
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([client.endAsync().then(() => true), new Promise<false>((r) => (timer = setTimeout(() => r(false), STOP_GRACE_MS)))]);
    clearTimeout(timer);
    if (!ended) await client.endAsync(true);
  }

  /**
   * A refused login is not a passing fault: retrying the same username and password will not help,
   * so it is said at once, with its code and the fix (and again only if it changes). The link
   * still retries, slowly, so a counter whose credentials are put right on the broker comes back.
   */
  private onError(err: Error & { code?: unknown }): void {
    // CONNACK 4/5 (MQTT 3.1.1), reason 134/135 (MQTT 5): bad username or password, not authorised.
    if (![4, 5, 134, 135].includes(Number(err.code))) {
      this.log.warn({ err: err.message }, 'mqtt error');
      return;
    }
    const who = this.options.username ? `username "${this.options.username}"` : 'no username';
    const refusal = new OkienkoError(
      ERROR_CODES.BROKER_LOGIN_REFUSED,
      `the broker at ${this.options.url} refused this counter's login (${who}): ${err.message} — set mqtt.username and mqtt.password in the config to the credentials provisioned for ${this.identity.ref.site}/${this.identity.ref.counter} (the dashboard's devices page or \`okienko provision\`), then restart the counter`,
    );
    const news = this.refusal?.message !== refusal.message;
    this.refusal = refusal;
    this.attempts = Math.max(this.attempts, 30); // straight to the longest back-off
    if (!news) return;
    this.log.error({ code: refusal.code }, refusal.message);
    this.emit('login_refused', refusal);
  }

  private onConnect(): void {
    this.attempts = 0;
    this.refusal = null;
    this.connectedAt = this.now();
    this.inflight.clear();
    const client = this.client!;
    const online: Availability = {
      v: 1,
      ...this.identity.ref,
      status: 'online',
      bootId: this.identity.bootId,
      at: this.now(),
      version: this.identity.version,
      ...(this.identity.panelUrl ? { panelUrl: this.identity.panelUrl } : {}),
    };
    client.publish(this.topics.availability, JSON.stringify(online), { qos: 1, retain: true });
    client.subscribe([this.topics.command, this.topics.notice, ...(this.options.peers ? sitePeerFilters(this.identity.ref.site) : [])], { qos: 1 });
    this.publishState();
    const ha = this.options.homeAssistant;
    if (ha) {
      this.announceToHomeAssistant();
      // Home Assistant's birth message: it has (re)started and needs the configs again. The old
      // per-entity topics: a config the broker still holds there is moved to the device message.
      client.subscribe([`${ha.prefix}/status`, ...legacyDiscoveryTopics(this.identity.ref, ha)], { qos: 1 });
    }
    this.log.info({ pending: this.outbox.size }, 'connected to broker');
    this.emit('up');
    this.drain();
  }

  private onClose(): void {
    this.inflight.clear();
    this.emit('down');
    if (this.stopping || this.reconnectTimer) return;
    const base = Math.min(this.options.reconnectMaxMs, this.options.reconnectMinMs * 2 ** this.attempts);
    // Full jitter: after a broker restart thousands of counters spread out instead of stampeding.
    const delay = Math.round(base / 2 + Math.random() * (base / 2));
    this.attempts += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.stopping) this.client?.reconnect();
    }, delay);
  }

  private announceToHomeAssistant(): void {
    const ha = this.options.homeAssistant;
    if (!ha || !this.client?.connected) return;
    const m = discoveryMessage(this.identity.ref, ha, { version: this.identity.version, scale: this.identity.scale ?? 4 });
    this.client.publish(m.topic, m.payload, { qos: 1, retain: true });
    this.publishState(); // so the new entities have a value at once
    this.emit('announced');
  }

  private onMessage(topic: string, payload: Buffer): void {
    const ha = this.options.homeAssistant;
    if (ha && topic === `${ha.prefix}/status`) {
      if (payload.toString() === 'online') this.announceToHomeAssistant();
      return;
    }
    if (ha && legacyDiscoveryTopics(this.identity.ref, ha).includes(topic)) return this.migrateLegacy(topic, payload);
    if (topic === this.topics.notice) return this.onNotices(payload);
    if (topic !== this.topics.command) return this.onPeer(topic, payload);
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      this.emit('rejected', 'command is not JSON');
      return;
    }
    const parsed = CounterCommand.safeParse(json);
    if (!parsed.success || parsed.data.site !== this.identity.ref.site || parsed.data.counter !== this.identity.ref.counter) {
      this.log.warn({ topic }, 'rejected a malformed command');
      this.emit('rejected', 'command does not match the schema');
      return;
    }
    this.emit('command', parsed.data);
  }

  /**
   * An old per-entity config is still retained: Home Assistant's migration, in its order — the
   * old entity is unloaded but kept (`migrate_discovery`), the device message takes it over with
   * the same unique id, and the old topic is emptied so it is forgotten. Our own messages on the
   * topic come back here too (the migrate request, the empty one) and are left alone.
   */
  private migrateLegacy(topic: string, payload: Buffer): void {
    let config: unknown;
    try {
      config = payload.length > 0 ? JSON.parse(payload.toString('utf8')) : null;
    } catch {
      config = null;
    }
    if (!config || typeof config !== 'object' || !('unique_id' in config)) return;
    const client = this.client;
    if (!client?.connected) return;
    client.publish(topic, MIGRATE_DISCOVERY, { qos: 1 });
    this.announceToHomeAssistant();
    client.publish(topic, '', { qos: 1, retain: true }, (err) => {
      if (err) return;
      this.log.info({ topic }, 'moved an old Home Assistant entity config to the device message');
      this.emit('migrated', topic);
    });
  }

  /** Another counter of the site said what it is doing (or, empty, that it is gone). Junk is ignored. */
  private onPeer(topic: string, payload: Buffer): void {
    const t = parseTopic(topic);
    if (!this.options.peers || !t.ok || t.site !== this.identity.ref.site || t.counter === this.identity.ref.counter) return;
    if (t.kind !== 'state' && t.kind !== 'availability') return;
    let json: unknown = null;
    try {
      json = payload.length === 0 ? null : JSON.parse(payload.toString('utf8'));
    } catch {
      return;
    }
    const schema = t.kind === 'state' ? CounterState : Availability;
    const parsed = json === null ? null : schema.safeParse(json);
    if (parsed && (!parsed.success || parsed.data.site !== t.site || parsed.data.counter !== t.counter)) return;
    const message = parsed?.data ?? null;
    this.emit('peer', t.kind === 'state' ? { counter: t.counter, state: message as CounterState | null } : { counter: t.counter, availability: message as Availability | null });
  }

  private onNotices(payload: Buffer): void {
    // An empty retained message: the central side took every notice down.
    if (payload.length === 0) return void this.emit('notices', null);
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      json = null;
    }
    const parsed = CounterNotices.safeParse(json);
    if (!parsed.success || parsed.data.site !== this.identity.ref.site || parsed.data.counter !== this.identity.ref.counter) {
      this.log.warn('rejected malformed notices');
      this.emit('rejected', 'notices do not match the schema');
      return;
    }
    this.emit('notices', parsed.data);
  }
}
