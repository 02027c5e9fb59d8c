import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IndexedMemoryPersistence } from '../../broker-bridge/broker/persistence.ts';

const require = createRequire(import.meta.url);
const StockPersistence = require('aedes-persistence/asyncPersistence.js') as new () => Persistence;
const SUITE = fileURLToPath(new URL('../helpers/aedes-persistence-suite.ts', import.meta.url));

interface Pkt {
  cmd: 'publish';
  topic: string;
  payload: Buffer;
  qos: 1;
  retain: false;
  dup: false;
  brokerId: string;
  brokerCounter: number;
  messageId?: number | undefined;
}
interface Persistence {
  outgoingEnqueue(sub: { clientId: string }, p: Pkt): Promise<void>;
  outgoingEnqueueCombi(subs: { clientId: string }[], p: Pkt): Promise<void>;
  outgoingUpdate(client: { id: string }, p: Pkt): Promise<void>;
  outgoingClearMessageId(client: { id: string }, p: Pkt): Promise<Pkt | undefined>;
  outgoingStream(client: { id: string }): AsyncIterable<Pkt>;
  addSubscriptions(client: { id: string }, subs: { topic: string; qos: number }[]): Promise<void>;
  removeSubscriptions(client: { id: string }, topics: string[]): Promise<void>;
  cleanSubscriptions(client: { id: string }): Promise<unknown>;
  subscriptionsByTopic(topic: string): Promise<{ clientId: string; topic: string; qos: number }[]>;
}

type SubOp =
  | { op: 'add'; client: string; filter: string; qos: number }
  | { op: 'remove'; client: string; filter: string }
  | { op: 'clean'; client: string }
  | { op: 'match'; topic: string };

/** Apply the same subscription changes to a persistence; who each match found, in a stable order. */
async function runSubs(p: Persistence, ops: SubOp[]) {
  const found: string[][] = [];
  for (const o of ops) {
    if (o.op === 'add') await p.addSubscriptions({ id: o.client }, [{ topic: o.filter, qos: o.qos }]);
    else if (o.op === 'remove') await p.removeSubscriptions({ id: o.client }, [o.filter]);
    else if (o.op === 'clean') await p.cleanSubscriptions({ id: o.client });
    else found.push((await p.subscriptionsByTopic(o.topic)).map((s) => `${s.clientId} ${s.topic} ${s.qos}`).sort());
  }
  return found;
}

type Op =
  | { op: 'enqueue'; clients: string[]; broker: string }
  | { op: 'update'; client: string; nth: number; messageId: number; broker: string | null }
  | { op: 'clear'; client: string; messageId: number | null };

const view = (p: Pkt | undefined) => p && { brokerId: p.brokerId, brokerCounter: p.brokerCounter, messageId: p.messageId };

async function queue(p: Persistence, client: string) {
  const out = [];
  for await (const x of p.outgoingStream({ id: client })) out.push(view(x));
  return out;
}

/** Apply the same operations to a persistence; every outcome and the queues at the end. */
async function run(p: Persistence, ops: Op[]) {
  const outcomes: unknown[] = [];
  let counter = 0;
  for (const o of ops) {
    if (o.op === 'enqueue') {
      const pkt: Pkt = { cmd: 'publish', topic: 't', payload: Buffer.from('x'), qos: 1, retain: false, dup: false, brokerId: o.broker, brokerCounter: ++counter };
      await p.outgoingEnqueueCombi(o.clients.map((clientId) => ({ clientId })), pkt);
      outcomes.push('queued');
    } else if (o.op === 'update') {
      // As aedes does: a copy of a queued packet with the id it goes out with (or another broker's packet).
      const queued = await queue(p, o.client);
      const base = queued.length ? queued[o.nth % queued.length]! : { brokerId: 'b1', brokerCounter: 999_999 };
      const pkt: Pkt = { cmd: 'publish', topic: 't', payload: Buffer.from('x'), qos: 1, retain: false, dup: false, brokerId: o.broker ?? base.brokerId, brokerCounter: base.brokerCounter, messageId: o.messageId };
      outcomes.push(await p.outgoingUpdate({ id: o.client }, pkt).then(() => 'updated', (err: Error) => err.message));
    } else {
      const pkt = { messageId: o.messageId ?? undefined } as Pkt;
      outcomes.push(view(await p.outgoingClearMessageId({ id: o.client }, pkt)));
    }
  }
  return { outcomes, queues: { a: await queue(p, 'a'), b: await queue(p, 'b') } };
}

describe('the embedded broker’s indexed persistence', () => {
  it('passes aedes-persistence’s own test suite', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', SUITE], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout).toMatch(/# pass 50\b/);
    expect(r.stdout).toMatch(/# fail 0\b/);
    expect(r.status).toBe(0);
  });

  it('gives the stock persistence’s outcomes for any sequence of queue, send and acknowledge', async () => {
    const client = fc.constantFrom('a', 'b');
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ op: fc.constant('enqueue' as const), clients: fc.subarray(['a', 'b'], { minLength: 1 }), broker: fc.constantFrom('b1', 'b2') }),
      fc.record({ op: fc.constant('update' as const), client, nth: fc.nat(50), messageId: fc.integer({ min: 1, max: 3 }), broker: fc.option(fc.constantFrom('b1', 'b2')) }),
      fc.record({ op: fc.constant('clear' as const), client, messageId: fc.option(fc.integer({ min: 1, max: 6 })) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 80, size: 'max' }), async (ops) => {
        expect(await run(new IndexedMemoryPersistence() as unknown as Persistence, ops)).toEqual(await run(new StockPersistence(), ops));
      }),
      { numRuns: 1000 },
    );
  });

  it('finds who is subscribed to a topic as the stock one does, after any change to the subscriptions', async () => {
    // Answers are kept by topic: every add, remove and clean must be seen by the next match.
    const client = fc.constantFrom('a', 'b');
    const filter = fc.constantFrom('s/c/event', 's/+/event', 's/#', '#');
    const op: fc.Arbitrary<SubOp> = fc.oneof(
      fc.record({ op: fc.constant('add' as const), client, filter, qos: fc.constantFrom(0, 1) }),
      fc.record({ op: fc.constant('remove' as const), client, filter }),
      fc.record({ op: fc.constant('clean' as const), client }),
      fc.record({ op: fc.constant('match' as const), topic: fc.constantFrom('s/c/event', 's/d/event', 'x') }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 60 }), async (ops) => {
        expect(await runSubs(new IndexedMemoryPersistence() as unknown as Persistence, ops)).toEqual(await runSubs(new StockPersistence(), ops));
      }),
      { numRuns: 500 },
    );
  });
});
