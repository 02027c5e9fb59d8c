import { Readable } from 'node:stream';
import { createRequire } from 'node:module';
import type { AedesPacket } from 'aedes-packet';

const require = createRequire(import.meta.url);
// The in-memory persistence aedes uses by default, its async form: everything but the outgoing
// queues is kept as it is.
const MemoryPersistence = require('aedes-persistence/asyncPersistence.js') as new () => object;
const Packet = require('aedes-packet') as new (packet: AedesPacket) => AedesPacket;

interface ClientLike {
  id: string;
}

/** key → the slots holding it, oldest first. */
class SlotIndex<K> {
  private readonly map = new Map<K, number[]>();

  get(key: K): readonly number[] {
    return this.map.get(key) ?? [];
  }

  add(key: K, slot: number): void {
    const list = this.map.get(key);
    if (!list) return void this.map.set(key, [slot]);
    list.push(slot);
    // Almost always already in order (slots grow); a key given to an older slot is not.
    if (list.length > 1 && list.at(-2)! > slot) list.sort((a, b) => a - b);
  }

  remove(key: K, slot: number): void {
    const list = this.map.get(key);
    if (!list) return;
    const i = list.indexOf(slot);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.map.delete(key);
  }
}

/** One client's outgoing QoS 1 messages, in order, found by origin or packet id at once. */
class OutgoingQueue {
  private nextSlot = 0;
  /** slot → packet; slots only grow, and a Map iterates in insertion order: the queue's order. */
  readonly slots = new Map<number, AedesPacket>();
  /** Where a packet came from (broker id and counter); a replaced packet can make two alike. */
  private readonly byOrigin = new SlotIndex<string>();
  /** Packet ids, reused once released; queued packets have none yet and are not indexed. */
  private readonly byMessageId = new SlotIndex<number>();

  push(packet: AedesPacket): void {
    const slot = this.nextSlot++;
    this.slots.set(slot, packet);
    this.index(packet, slot);
  }

  /** The stock scan's outcome: the first packet in order from this origin, or another broker's with this id. */
  update(packet: AedesPacket): boolean {
    const own = this.byOrigin.get(origin(packet))[0];
    const other = this.withId(packet.messageId).find((s) => this.slots.get(s)!.brokerId !== packet.brokerId);
    const slot = own === undefined ? other : other === undefined ? own : Math.min(own, other);
    if (slot === undefined) return false;
    const current = this.slots.get(slot)!;
    this.unindex(current, slot);
    if (slot === own) current.messageId = packet.messageId;
    // A packet of another broker (a cluster) holding this id is replaced by this one.
    else this.slots.set(slot, packet);
    this.index(this.slots.get(slot)!, slot);
    return true;
  }

  /** The stock scan's outcome: the first packet in order with this id, taken out. */
  clear(messageId: number | undefined): AedesPacket | undefined {
    const slot = this.withId(messageId)[0];
    if (slot === undefined) return undefined;
    const packet = this.slots.get(slot)!;
    this.slots.delete(slot);
    this.unindex(packet, slot);
    return packet;
  }

  private withId(messageId: number | null | undefined): readonly number[] {
    // Asked for only when aedes has no id to give (rare): a scan, as the stock one does.
    if (messageId === undefined || messageId === null) return [...this.slots].filter(([, p]) => p.messageId === messageId).map(([slot]) => slot);
    return this.byMessageId.get(messageId);
  }

  private index(packet: AedesPacket, slot: number): void {
    this.byOrigin.add(origin(packet), slot);
    if (packet.messageId !== undefined && packet.messageId !== null) this.byMessageId.add(packet.messageId, slot);
  }

  private unindex(packet: AedesPacket, slot: number): void {
    this.byOrigin.remove(origin(packet), slot);
    if (packet.messageId !== undefined && packet.messageId !== null) this.byMessageId.remove(packet.messageId, slot);
  }
}

const origin = (p: AedesPacket): string => `${p.brokerId}\u0000${p.brokerCounter}`;

/**
 * aedes' in-memory persistence with indexed outgoing queues. The stock one keeps a client's
 * unacknowledged QoS 1 messages in an array and scans it from the start for every message sent
 * (`outgoingUpdate`): a persistent-session subscriber that is behind — the bridge during a burst,
 * or catching up after a restart with thousands queued — costs the broker time proportional to
 * its backlog for each message, so the broker slows as the backlog grows. Measured in the ingest
 * bench: the broker's CPU per message doubled with the bridge a few thousand messages behind.
 * Here each operation is a map lookup, and the outcomes are the stock ones (aedes-persistence's
 * own test suite runs against this class: test/integration/broker-persistence.test.ts).
 */
export class IndexedMemoryPersistence extends MemoryPersistence {
  private readonly queues = new Map<string, OutgoingQueue>();

  private queue(clientId: string): OutgoingQueue {
    let q = this.queues.get(clientId);
    if (!q) this.queues.set(clientId, (q = new OutgoingQueue()));
    return q;
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
