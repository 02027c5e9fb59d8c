import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import mqttPacket, { type Packet } from 'mqtt-packet';
import { FrameReader, type PublishFrame } from '../../broker-bridge/ingest/mqtt-frames.ts';

type Version = 4 | 5;

/** Every packet mqtt-packet reads from `stream`, in order. */
function parseAll(version: Version, stream: Buffer): Packet[] {
  const out: Packet[] = [];
  const parser = mqttPacket.parser({ protocolVersion: version });
  parser.on('packet', (p: Packet) => out.push(p));
  parser.on('error', (err: Error) => {
    throw err;
  });
  parser.parse(stream);
  return out;
}

/** What the frame reader gives for `chunks`: publishes as read, other packets read by mqtt-packet. */
function readFrames(version: Version, chunks: Buffer[]): { packets: (PublishFrame | Packet)[]; errors: string[] } {
  const packets: (PublishFrame | Packet)[] = [];
  const errors: string[] = [];
  const reader = new FrameReader(version, {
    publish: (p) => packets.push(p),
    other: (packet) => packets.push(...parseAll(version, packet)),
    error: (err) => errors.push(err.message),
  });
  for (const c of chunks) reader.push(c);
  return { packets, errors };
}

/** A publish as mqtt-packet reads it, in the frame reader's terms. */
function asFrame(p: Packet): PublishFrame | Packet {
  if (p.cmd !== 'publish') return p;
  return { topic: p.topic, payload: Buffer.from(p.payload), qos: p.qos, messageId: p.qos > 0 ? p.messageId : undefined, dup: p.dup, retain: p.retain };
}

const publish = (version: Version) =>
  fc.record({
    topic: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
    // Mostly small; some far bigger than a socket's chunk.
    payload: fc.oneof(
      { weight: 5, arbitrary: fc.uint8Array({ maxLength: 600 }) },
      { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 20_000, max: 140_000 }), fc.integer({ min: 0, max: 255 })).map(([n, byte]) => Buffer.alloc(n, byte)) },
    ),
    qos: fc.constantFrom(0, 1, 2),
    messageId: fc.integer({ min: 1, max: 65_535 }),
    dup: fc.boolean(),
    retain: fc.boolean(),
    properties:
      version === 5
        ? fc.option(
            fc.record(
              {
                payloadFormatIndicator: fc.boolean(),
                messageExpiryInterval: fc.integer({ min: 0, max: 2 ** 31 }),
                responseTopic: fc.string({ minLength: 1, maxLength: 20 }),
                correlationData: fc.uint8Array({ maxLength: 20 }).map((a) => Buffer.from(a)),
                userProperties: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
                subscriptionIdentifier: fc.integer({ min: 1, max: 268_435_455 }),
                contentType: fc.string({ maxLength: 20 }),
              },
              { requiredKeys: [] },
            ),
            { nil: undefined },
          )
        : fc.constant(undefined),
  }).map((p) => ({ cmd: 'publish' as const, ...p, payload: Buffer.from(p.payload), ...(p.properties === undefined ? {} : { properties: p.properties }) }));

const others = fc.oneof(
  fc.integer({ min: 1, max: 65_535 }).map((messageId) => ({ cmd: 'puback' as const, messageId })),
  fc.integer({ min: 1, max: 65_535 }).map((messageId) => ({ cmd: 'suback' as const, messageId, granted: [1] })),
  fc.constant({ cmd: 'pingresp' as const }),
  fc.constant({ cmd: 'connack' as const, sessionPresent: true, returnCode: 0, reasonCode: 0 }),
);

/** A stream of packets, cut into chunks at random places (single bytes among them). */
const streams = (version: Version) =>
  fc
    .tuple(fc.array(fc.oneof({ weight: 4, arbitrary: publish(version) }, { weight: 1, arbitrary: others }), { minLength: 1, maxLength: 30 }), fc.array(fc.integer({ min: 1, max: 70_000 }), { minLength: 1, maxLength: 40 }))
    .map(([packets, cuts]) => {
      const stream = Buffer.concat(packets.map((p) => mqttPacket.generate(p as Packet, { protocolVersion: version })));
      const chunks: Buffer[] = [];
      for (let at = 0, i = 0; at < stream.length; i++) {
        const size = cuts[i % cuts.length]! % 3 === 0 ? 1 : cuts[i % cuts.length]!;
        chunks.push(stream.subarray(at, at + size));
        at += size;
      }
      return { stream, chunks };
    });

describe('FrameReader', () => {
  it.each([4, 5] as const)('reads what mqtt-packet reads from any stream of packets, however it is cut (MQTT %i)', (version) => {
    fc.assert(
      fc.property(streams(version), ({ stream, chunks }) => {
        const { packets, errors } = readFrames(version, chunks);
        expect(errors).toEqual([]);
        // Payloads as text: compared byte by byte as arrays, big ones took seconds.
        const comparable = (ps: (PublishFrame | Packet)[]) => ps.map((p) => ('payload' in p && Buffer.isBuffer(p.payload) ? { ...p, payload: p.payload.toString('base64') } : p));
        expect(comparable(packets)).toEqual(comparable(parseAll(version, stream).map(asFrame)));
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['a remaining length longer than four bytes', Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])],
    ['a PUBLISH with QoS 3', Buffer.from([0x36, 0x05, 0x00, 0x01, 0x61, 0x00, 0x01])],
    ['a PUBLISH shorter than its topic', Buffer.from([0x30, 0x03, 0x00, 0x09, 0x61])],
    ['a PUBLISH shorter than its packet id', Buffer.from([0x32, 0x04, 0x00, 0x01, 0x61, 0x00])],
  ])('refuses %s, once, and reads nothing after it', (what, bad) => {
    const good = mqttPacket.generate({ cmd: 'publish', topic: 'a', payload: Buffer.from('x'), qos: 1, messageId: 7, dup: false, retain: false }, { protocolVersion: 4 });
    const { packets, errors } = readFrames(4, [good, bad, good, good]);
    expect(errors).toEqual([`malformed packet from the broker: ${what}`]);
    expect(packets).toHaveLength(1);
  });

  it('refuses a PUBLISH whose MQTT 5 properties run past its end', () => {
    // Topic "a", packet id 1, properties said to be 9 bytes long, none there.
    const { packets, errors } = readFrames(5, [Buffer.from([0x32, 0x06, 0x00, 0x01, 0x61, 0x00, 0x01, 0x09])]);
    expect(errors).toEqual(['malformed packet from the broker: a PUBLISH shorter than its properties']);
    expect(packets).toEqual([]);
  });
});
