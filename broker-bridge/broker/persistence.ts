import { Readable } from 'node:stream';
import { createRequire } from 'node:module';
import type { AedesPacket } from 'aedes-packet';

const require = createRequire(import.meta.url);
// The in-memory persistence aedes uses by default, its async form: everything but the outgoing
// queues is kept as it is.
const MemoryPersistence = require('aedes-persistence/asyncPersistence.js') as new () => StockPersistence;

/** What we build on of the stock persistence (its subscriptions, kept as they are). */
interface StockPersistence {
  subscriptionsByTopic(topic: string): Promise<unknown[]>;
  addSubscriptions(client: ClientLike, subs: unknown[]): Promise<void>;
  removeSubscriptions(client: ClientLike, topics: string[]): Promise<void>;
  cleanSubscriptions(client: ClientLike): Promise<unknown>;
}

const TOPICS_CACHED = 100_000;
const Packet = require('aedes-packet') as new (packet: AedesPacket) => AedesPacket;

interface ClientLike {
  id: string;
}

const NONE: readonly number[] = [];

/**
 * key → the slots holding it, oldest first. One slot, the usual case, is kept as a number: an
 * array per message was a good part of what a persistent session cost the broker.
 */
class SlotIndex<K> {
  private readonly map = new Map<K, number | number[]>();

  first(key: K): number | undefined {
    const v = this.map.get(key);
    return typeof v === 'number' ? v : v?.[0];
  }

  all(key: K): readonly number[] {
    const v = this.map.get(key);
    return v === undefined ? NONE : typeof v === 'number' ? [v] : v;
  }

  add(key: K, slot: number): void {
    const v = this.map.get(key);
    if (v === undefined) return void this.map.set(key, slot);
    const list = typeof v === 'number' ? [v] : v;
    list.push(slot);
    // Almost always already in order (slots grow); a key given to an older slot is not.
    if (list.at(-2)! > slot) list.sort((a, b) => a - b);
    this.map.set(key, list);
  }

  remove(key: K, slot: number): void {
    const v = this.map.get(key);
    if (v === undefined) return;
    if (typeof v === 'number') {
      if (v === slot) this.map.delete(key);
      return;
    }
    const i = v.indexOf(slot);
    if (i >= 0) v.splice(i, 1);
    if (v.length === 1) this.map.set(key, v[0]!);
    else if (v.length === 0) this.map.delete(key);
  }
}

/**
 * Where a packet came from: its broker and that broker's counter (a replaced packet can make two
 * alike). By broker, then by counter: a number as the key, not a string made per message.
 */
class OriginIndex {
  private readonly byBroker = new Map<string, SlotIndex<number>>();

  first(p: AedesPacket): number | undefined {
    return this.byBroker.get(p.brokerId)?.first(p.brokerCounter);
  }

  add(p: AedesPacket, slot: number): void {
    let index = this.byBroker.get(p.brokerId);
    if (!index) this.byBroker.set(p.brokerId, (index = new SlotIndex<number>()));
    index.add(p.brokerCounter, slot);
  }

  remove(p: AedesPacket, slot: number): void {
    this.byBroker.get(p.brokerId)?.remove(p.brokerCounter, slot);
  }
}

const hasId = (id: number | null | undefined): id is number => id !== undefined && id !== null;

/** One client's outgoing QoS 1 messages, in order, found by origin or packet id at once. */
class OutgoingQueue {
  private nextSlot = 0;
  /** slot → packet; slots only grow, and a Map iterates in insertion order: the queue's order. */
  readonly slots = new Map<number, AedesPacket>();
  private readonly byOrigin = new OriginIndex();
  /** Packet ids, reused once released; queued packets have none yet and are not indexed. */
  private readonly byMessageId = new SlotIndex<number>();

  push(packet: AedesPacket): void {
    const slot = this.nextSlot++;
    this.slots.set(slot, packet);
    this.index(packet, slot);
  }

  /** The stock scan's outcome: the first packet in order from this origin, or another broker's with this id. */
  update(packet: AedesPacket): boolean {
    const own = this.byOrigin.first(packet);
    let other: number | undefined;
    for (const s of this.withId(packet.messageId)) {
      if (this.slots.get(s)!.brokerId !== packet.brokerId) {
        other = s;
        break;
      }
    }
    const slot = own === undefined ? other : other === undefined ? own : Math.min(own, other);
    if (slot === undefined) return false;
    const current = this.slots.get(slot)!;
    if (slot === own) {
      // The same packet given its id: only the id index changes.
      if (hasId(current.messageId)) this.byMessageId.remove(current.messageId, slot);
      current.messageId = packet.messageId;
      if (hasId(current.messageId)) this.byMessageId.add(current.messageId, slot);
    } else {
      // A packet of another broker (a cluster) holding this id is replaced by this one.
      this.unindex(current, slot);
      this.slots.set(slot, packet);
      this.index(packet, slot);
    }
    return true;
  }

  /** The stock scan's outcome: the first packet in order with this id, taken out. */
  clear(messageId: number | undefined): AedesPacket | undefined {
    const slot = hasId(messageId) ? this.byMessageId.first(messageId) : this.withId(messageId)[0];
    if (slot === undefined) return undefined;
    const packet = this.slots.get(slot)!;
    this.slots.delete(slot);
    this.unindex(packet, slot);
    return packet;
  }

  private withId(messageId: number | null | undefined): readonly number[] {
    // Asked for only when aedes has no id to give (rare): a scan, as the stock one does.
    if (!hasId(messageId)) return [...this.slots].filter(([, p]) => p.messageId === messageId).map(([slot]) => slot);
    return this.byMessageId.all(messageId);
  }

  private index(packet: AedesPacket, slot: number): void {
    this.byOrigin.add(packet, slot);
    if (hasId(packet.messageId)) this.byMessageId.add(packet.messageId, slot);
  }

  private unindex(packet: AedesPacket, slot: number): void {
    this.byOrigin.remove(packet, slot);
    if (hasId(packet.messageId)) this.byMessageId.remove(packet.messageId, slot);
  }
}

/**
 * aedes' in-memory persistence with indexed outgoing queues. The stock one keeps a client's
 * unacknowledged QoS 1 messages in an array and scans it from the start for every message sent
 * (`outgoingUpdate`): a persistent-session subscriber that is behind — the bridge during a burst,
 * or catching up after a restart with thousands queued — costs the broker time proportional to
 * its backlog for each message, so the broker slows as the backlog grows. Measured in the ingest
 * bench: the broker's CPU per message doubled with the bridge a few thousand messages behind.
 * Here each operation is a map lookup, and the outcomes are the stock ones (aedes-persistence's
 * own test suite runs against this class: test/unit/broker-persistence.test.ts).
 */
export class IndexedMemoryPersistence extends MemoryPersistence {
  private readonly queues = new Map<string, OutgoingQueue>();
  /**
   * Who keeps a session subscribed to a topic, by topic: aedes asks for every QoS 1 message, and
   * the stock answer walks the subscription trie each time — a tenth of what a persistent session
   * cost the broker per message. Emptied whenever a subscription changes; kept to a bound, as
   * anonymous clients may publish to any number of topics.
   */
  private readonly byTopic = new Map<string, Promise<unknown[]>>();

  private queue(clientId: string): OutgoingQueue {
    let q = this.queues.get(clientId);
    if (!q) this.queues.set(clientId, (q = new OutgoingQueue()));
    return q;
  }

  override subscriptionsByTopic(topic: string): Promise<unknown[]> {
    let subs = this.byTopic.get(topic);
    if (!subs) {
      if (this.byTopic.size >= TOPICS_CACHED) this.byTopic.clear();
      // The same array goes to every caller: aedes only reads it (aedes.js, enqueueOffline).
      subs = super.subscriptionsByTopic(topic);
      this.byTopic.set(topic, subs);
      subs.catch(() => this.byTopic.delete(topic));
    }
    return subs;
  }

  override async addSubscriptions(client: ClientLike, subs: unknown[]): Promise<void> {
    this.byTopic.clear();
    await super.addSubscriptions(client, subs);
    this.byTopic.clear();
  }

  override async removeSubscriptions(client: ClientLike, topics: string[]): Promise<void> {
    this.byTopic.clear();
    await super.removeSubscriptions(client, topics);
    this.byTopic.clear();
  }

  override async cleanSubscriptions(client: ClientLike): Promise<unknown> {
    this.byTopic.clear();
    const out = await super.cleanSubscriptions(client);
    this.byTopic.clear();
    return out;
  }

  async outgoingEnqueue(sub: { clientId: string }, packet: AedesPacket): Promise<void> {
    this.queue(sub.clientId).push(new Packet(packet));
  }

  async outgoingEnqueueCombi(subs: { clientId: string }[], packet: AedesPacket): Promise<void> {
    for (const sub of subs) this.queue(sub.clientId).push(new Packet(packet));
  }

  async outgoingUpdate(client: ClientLike, packet: AedesPacket): Promise<void> {
    if (!this.queues.get(client.id)?.update(packet)) throw new Error('no such packet');
  }

  async outgoingClearMessageId(client: ClientLike, packet: AedesPacket): Promise<AedesPacket | undefined> {
    const queue = this.queues.get(client.id);
    const cleared = queue?.clear(packet.messageId);
    // An empty queue holds three maps: 10,000 counters' would be kept for nothing.
    if (queue?.slots.size === 0) this.queues.delete(client.id);
    return cleared;
  }

  outgoingStream(client: ClientLike): Readable {
    // A copy, as the stock one: the queue may change while the stream is read.
    return Readable.from([...(this.queues.get(client.id)?.slots.values() ?? [])]);
  }
}
