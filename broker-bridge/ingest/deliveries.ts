/**
 * What the MQTT link hands over and how it keeps it until acknowledged: deliveries in batches, as
 * parallel arrays. No object per message — this is the ingest benchmark's hot path, where the
 * link's object per message and the PUBACK's per message through mqtt-packet were measured.
 */

/** A batch of deliveries, in arrival order: each one's topic, payload, and what `Receiver.arrived` returned for it. */
export interface Deliveries<T> {
  readonly topics: readonly string[];
  readonly payloads: readonly Buffer[];
  readonly arrivals: readonly T[];
}

/**
 * Where the link delivers. The link is a transport: it keeps what `arrived` returns in the
 * message's place without reading it, and acknowledges a batch when `batch` tells it to.
 */
export interface Receiver<T> {
  /** Each publish as it arrives, before it waits for its batch. */
  arrived(topic: string, payload: Buffer): T;
  /**
   * Takes a batch. Resolves once the next batch may be taken after it (for a store: committed,
   * or holding its counters' locks) — either acknowledged at once (nothing returned) or with
   * `durable`, once that resolves (committed and on the disk). Rejected, or `durable` rejected:
   * nothing of the batch is acknowledged and the connection is dropped, so the broker re-sends.
   */
  batch(deliveries: Deliveries<T>): Promise<void | { durable: Promise<void> }>;
}

/** A batch taken from the queue, with what its PUBACKs need: packet ids and its connection. */
export interface Batch<T> extends Deliveries<T> {
  /** Packet ids, -1 where there is nothing to acknowledge (QoS 0). */
  readonly ids: readonly number[];
  readonly generation: number;
}

/** Received, not yet taken, in arrival order. */
export class Arrived<T> {
  private topics: string[] = [];
  private payloads: Buffer[] = [];
  private arrivals: T[] = [];
  private ids: number[] = [];

  get size(): number {
    return this.ids.length;
  }

  /** `id`: the packet id to acknowledge, -1 for none. */
  push(topic: string, payload: Buffer, arrival: T, id: number): void {
    this.topics.push(topic);
    this.payloads.push(payload);
    this.arrivals.push(arrival);
    this.ids.push(id);
  }

  /** The first `max`, as one batch of connection `generation`. */
  take(max: number, generation: number): Batch<T> {
    if (this.ids.length <= max) {
      const all = { topics: this.topics, payloads: this.payloads, arrivals: this.arrivals, ids: this.ids, generation };
      this.clear();
      return all;
    }
    return { topics: this.topics.splice(0, max), payloads: this.payloads.splice(0, max), arrivals: this.arrivals.splice(0, max), ids: this.ids.splice(0, max), generation };
  }

  clear(): void {
    this.topics = [];
    this.payloads = [];
    this.arrivals = [];
    this.ids = [];
  }
}

/**
 * The PUBACKs of a batch, in its order, as one buffer (null: none to send). A PUBACK is four
 * bytes, in 3.1.1 and in 5 alike (success, no properties: MQTT 5 §3.4.2.1 leaves both out),
 * written here for the whole batch: packet by packet through mqtt-packet it was a buffer and an
 * options object per message.
 */
export function pubacks(ids: readonly number[]): Buffer | null {
  let n = 0;
  for (const id of ids) if (id >= 0) n++;
  if (n === 0) return null;
  const out = Buffer.allocUnsafe(n * 4);
  let at = 0;
  for (const id of ids) {
    if (id < 0) continue;
    out[at] = 0x40;
    out[at + 1] = 2;
    out.writeUInt16BE(id, at + 2);
    at += 4;
  }
  return out;
}
