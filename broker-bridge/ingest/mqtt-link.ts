// Over 300 lines on purpose: the bridge's own MQTT client — connect (TCP or TLS), subscribe, the
// batch of arrivals and their PUBACKs after the commit, back-pressure, publishes out, reconnect —
// is one socket's state machine. Its pure parts are apart: frame reading (mqtt-frames.ts) and
// the batch and its acknowledgements (deliveries.ts).
import net from 'node:net';
import tls from 'node:tls';
import { EventEmitter } from 'node:events';
import mqttPacket, { type IPublishPacket, type Packet } from 'mqtt-packet';
import type { Logger } from 'pino';
import { ConfigError } from '@okienko/protocol';
import { FrameReader, type PublishFrame } from './mqtt-frames.ts';
import { Arrived, pubacks, type Batch, type Receiver } from './deliveries.ts';

export type { Deliveries, Receiver } from './deliveries.ts';

export interface BridgeLinkOptions {
  /** mqtt://host:port or mqtts://host:port (tcp:// and ssl:// too). */
  url: string;
  clientId: string;
  username?: string | undefined;
  password?: string | undefined;
  protocolVersion: 4 | 5;
  /** What to subscribe to, at QoS 1. */
  filter: string;
  /** For mqtts: the office's own CA, when the broker's certificate is not signed by a public one. */
  tls?: { ca?: Buffer | undefined; rejectUnauthorized?: boolean | undefined } | undefined;
  keepaliveSeconds?: number;
  /** Most messages in one batch. */
  maxBatch?: number;
}

interface Outgoing {
  packet: IPublishPacket;
  resolve: () => void;
  reject: (err: Error) => void;
}

// Past this many received-but-unstored messages we stop reading the socket: the broker then holds
// the rest (TCP back-pressure) instead of this process's memory.
const HIGH_WATER = 20_000;
const MAX_OUTGOING = 10_000;
const NO_EXPIRY = 0xffffffff;

/**
 * The bridge's one connection to the broker: a QoS 1 subscriber that hands what arrives to its
 * receiver in batches and acknowledges a batch only when the receiver says it is durable (for the
 * bridge: committed and synced). A transport: it knows topics, payloads and packet ids, nothing
 * of what the receiver makes of them (`T`, kept unread in each message's place).
 *
 * Why not MQTT.js here: its client hands incoming publishes to `handleMessage` one at a time and
 * reads the next only after the previous one's PUBACK, so an ack-after-commit bridge on MQTT.js
 * pays a whole commit (an fsync) per message — that capped durable ingest at a tenth of the
 * broker's rate. Here every publish that has arrived is taken as one batch (the bridge stores it
 * in one transaction) and then acknowledged in arrival order (MQTT requires PUBACKs in order).
 * The broker bounds what is in flight (MQTT 5 Receive Maximum; Mosquitto's max_inflight_messages
 * for 3.1.1). Device code keeps MQTT.js: it sends, it does not consume a stream.
 *
 * Commands to counters go out on the same connection (QoS 1, re-sent after a reconnect until the
 * broker has them): Mosquitto with use_username_as_clientid would make a second connection of
 * the same user take this one's session over.
 */
export class BridgeLink<T> extends EventEmitter<{ connect: []; close: []; error: [Error] }> {
  connected = false;
  /** Batches committed, and messages in them: the mean batch size shows the group commit at work. */
  readonly stats = { batches: 0, messages: 0 };
  private socket: net.Socket | null = null;
  private generation = 0;
  private readonly pending = new Arrived<T>();
  private busy = false;
  /** Batches committed, waiting for their sync before their PUBACKs, in order. */
  private acking: Promise<void> = Promise.resolve();
  private closed = false;
  private lastId = 0;
  private readonly outgoing = new Map<number, Outgoing>();
  private subscribeId = 0;
  private pingTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private awaitingPong = false;
  private backoffMs = 500;
  private readonly target: { secure: boolean; host: string; port: number };
  private idle: (() => void) | null = null;

  constructor(
    private readonly opts: BridgeLinkOptions,
    private readonly receiver: Receiver<T>,
    private readonly log: Logger,
  ) {
    super();
    this.target = parseBrokerUrl(opts.url);
  }

  start(): void {
    this.connect();
  }

  /** QoS 1: resolves when the broker has it; kept and re-sent across reconnects until then. */
  publish(topic: string, payload: string, options: { retain?: boolean } = {}): Promise<void> {
    if (this.outgoing.size >= MAX_OUTGOING) return Promise.reject(new Error(`more than ${MAX_OUTGOING} messages waiting for the broker`));
    return new Promise((resolve, reject) => {
      const packet: IPublishPacket = {
        cmd: 'publish',
        topic,
        payload: Buffer.from(payload),
        qos: 1,
        retain: options.retain ?? false,
        dup: false,
        messageId: this.nextId(),
      };
      this.outgoing.set(packet.messageId!, { packet, resolve, reject });
      if (this.connected) this.send(packet);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    // Let a batch being committed finish, so its messages are acknowledged, not re-sent.
    if (this.busy) await new Promise<void>((resolve) => (this.idle = resolve));
    await this.acking;
    const socket = this.socket;
    if (socket && !socket.destroyed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => socket.destroy(), 1000);
        socket.once('close', () => (clearTimeout(timer), resolve()));
        socket.end(this.encode({ cmd: 'disconnect' }));
      });
    }
    this.stopPing();
    for (const o of this.outgoing.values()) o.reject(new Error('bridge closed before the broker took the message'));
    this.outgoing.clear();
  }

  private connect(): void {
    const generation = ++this.generation;
    const { secure, host, port } = this.target;
    const socket = secure
      ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ca: this.opts.tls?.ca, rejectUnauthorized: this.opts.tls?.rejectUnauthorized ?? true })
      : net.connect({ host, port });
    this.socket = socket;
    socket.setNoDelay(true);
    const malformed = (err: Error): void => {
      this.log.error({ err: err.message }, 'malformed packet from the broker; reconnecting');
      socket.destroy();
    };
    // PUBLISH packets are read by the frame reader, every other packet by mqtt-packet, whole.
    const parser = mqttPacket.parser({ protocolVersion: this.opts.protocolVersion });
    parser.on('packet', (p: Packet) => this.onPacket(p, generation));
    parser.on('error', malformed);
    const frames = new FrameReader(this.opts.protocolVersion, {
      publish: (p) => this.onPublish(p, generation),
      other: (packet) => parser.parse(packet),
      error: malformed,
    });
    socket.on(secure ? 'secureConnect' : 'connect', () => {
      socket.write(
        this.encode({
          cmd: 'connect',
          protocolId: 'MQTT',
          protocolVersion: this.opts.protocolVersion,
          // Keep the session: the broker queues QoS 1 events while the bridge is down.
          clean: false,
          clientId: this.opts.clientId,
          keepalive: this.opts.keepaliveSeconds ?? 30,
          username: this.opts.username,
          password: this.opts.password === undefined ? undefined : Buffer.from(this.opts.password),
          // MQTT 5 ends a session at disconnect unless told otherwise, and lets us ask for many
          // messages in flight (the batch size is bounded by it).
          properties: this.opts.protocolVersion === 5 ? { sessionExpiryInterval: NO_EXPIRY, receiveMaximum: 65_535 } : undefined,
        }),
      );
    });
    socket.on('data', (buf: Buffer) => frames.push(buf));
    socket.on('error', (err) => this.emit('error', err));
    socket.on('close', () => this.onClose(generation));
  }

  private onPacket(p: Packet, generation: number): void {
    if (generation !== this.generation) return;
    switch (p.cmd) {
      case 'connack': {
        const code = p.reasonCode ?? p.returnCode ?? 0;
        if (code !== 0) {
          this.emit('error', new Error(`the broker refused the bridge's connection (code ${code}): check --mqtt-username/--mqtt-password and the broker's ACL`));
          this.socket?.destroy();
          return;
        }
        this.subscribeId = this.nextId();
        this.send({ cmd: 'subscribe', messageId: this.subscribeId, subscriptions: [{ topic: this.opts.filter, qos: 1 }] });
        this.startPing();
        return;
      }
      case 'suback': {
        if (p.messageId !== this.subscribeId) return;
        const granted = p.granted[0];
        if (typeof granted !== 'number' || granted >= 0x80) {
          this.emit('error', new Error(`the broker refused the subscription to ${this.opts.filter}: check the bridge user's ACL`));
          this.socket?.destroy();
          return;
        }
        this.connected = true;
        this.backoffMs = 500;
        // What the broker had not taken before the link dropped goes again (MQTT: DUP set).
        for (const o of this.outgoing.values()) this.send({ ...o.packet, dup: true });
        this.emit('connect');
        return;
      }
      case 'puback': {
        const o = this.outgoing.get(p.messageId!);
        if (o) {
          this.outgoing.delete(p.messageId!);
          o.resolve();
        }
        return;
      }
      case 'pingresp':
        this.awaitingPong = false;
        return;
      case 'disconnect':
        this.log.warn({ reasonCode: p.reasonCode }, 'the broker ended the bridge connection');
        this.socket?.destroy();
        return;
      default:
        return;
    }
  }

  private onPublish(p: PublishFrame, generation: number): void {
    if (generation !== this.generation) return;
    if (p.qos === 2) {
      this.log.warn({ topic: p.topic }, 'QoS 2 publish ignored: the bridge subscribes at QoS 1');
      return;
    }
    const arrival = this.receiver.arrived(p.topic, p.payload);
    // QoS 1 always carries a packet id, QoS 0 never: only QoS 1 is acknowledged.
    this.pending.push(p.topic, p.payload, arrival, p.qos === 1 && p.messageId !== undefined ? p.messageId : -1);
    if (this.pending.size >= HIGH_WATER) this.socket?.pause();
    this.scheduleDrain();
  }

  private scheduleDrain(): void {
    if (this.busy || this.pending.size === 0) return;
    this.busy = true;
    // One turn of the event loop first: whatever the socket already holds joins this batch.
    setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    // All of this connection: what is pending is dropped when its connection closes, before the
    // next one opens.
    const batch = this.pending.take(this.opts.maxBatch ?? 1000, this.generation);
    try {
      const durable = (await this.receiver.batch(batch))?.durable ?? Promise.resolve();
      // In its place: the next batch may be stored while this one commits or syncs. PUBACKs wait
      // for each batch's `durable` in turn, so they keep the order the publishes came in, as MQTT
      // requires.
      this.acking = this.acking.then(() => durable.then(() => this.acknowledge(batch), (err: unknown) => this.failed(err, batch)));
    } catch (err) {
      this.failed(err, batch);
    }
    this.busy = false;
    if (this.socket?.isPaused() && this.pending.size < HIGH_WATER / 2) this.socket.resume();
    if (this.closed) {
      this.idle?.();
      this.idle = null;
      return;
    }
    this.scheduleDrain();
  }

  private acknowledge(batch: Batch<T>): void {
    this.stats.batches += 1;
    this.stats.messages += batch.ids.length;
    if (batch.generation !== this.generation || !this.socket || this.socket.destroyed) return;
    const out = pubacks(batch.ids);
    if (out) this.socket.write(out);
  }

  /** Nothing of this batch is acknowledged; dropping the connection makes the broker re-send it all. */
  private failed(err: unknown, batch: Batch<T>): void {
    // Already dropped for an earlier batch: this connection's messages come again anyway.
    if (batch.ids.length > 0 && batch.generation !== this.generation) return;
    this.log.error({ err, messages: batch.ids.length }, 'store failed; not acknowledging, reconnecting so the broker re-sends');
    this.pending.clear();
    this.socket?.destroy();
  }

  private onClose(generation: number): void {
    if (generation !== this.generation) return;
    const was = this.connected;
    this.connected = false;
    this.stopPing();
    // Unacknowledged messages of this connection come again on the next one.
    this.pending.clear();
    if (was) this.emit('close');
    if (this.closed) return;
    const delay = this.backoffMs * (0.5 + Math.random());
    this.backoffMs = Math.min(this.backoffMs * 2, 10_000);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private startPing(): void {
    this.stopPing();
    this.awaitingPong = false;
    this.pingTimer = setInterval(
      () => {
        if (this.awaitingPong) {
          this.log.warn('no answer from the broker to a ping; reconnecting');
          this.socket?.destroy();
          return;
        }
        this.awaitingPong = true;
        this.send({ cmd: 'pingreq' });
      },
      (this.opts.keepaliveSeconds ?? 30) * 500,
    );
    this.pingTimer.unref();
  }

  private stopPing(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  private send(packet: Packet): void {
    if (this.socket && !this.socket.destroyed) this.socket.write(this.encode(packet));
  }

  private encode(packet: Packet): Buffer {
    return mqttPacket.generate(packet, { protocolVersion: this.opts.protocolVersion });
  }

  private nextId(): number {
    do this.lastId = (this.lastId % 65_535) + 1;
    while (this.outgoing.has(this.lastId));
    return this.lastId;
  }
}

export function parseBrokerUrl(url: string): { secure: boolean; host: string; port: number } {
  const u = new URL(url);
  const secure = u.protocol === 'mqtts:' || u.protocol === 'ssl:';
  if (!secure && u.protocol !== 'mqtt:' && u.protocol !== 'tcp:') {
    throw new ConfigError('--mqtt-url', [`${url}: the bridge connects over TCP — use mqtt://host:1883 or mqtts://host:8883 (WebSockets are for browsers)`]);
  }
  return { secure, host: u.hostname, port: u.port ? Number(u.port) : secure ? 8883 : 1883 };
}
