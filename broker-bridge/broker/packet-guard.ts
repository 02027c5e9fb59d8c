import type net from 'node:net';

/**
 * The largest MQTT packet the embedded broker takes from a client. Counters send JSON of a few
 * hundred bytes (the bridge refuses payloads over 16 KB anyway); the parser aedes uses buffers a
 * whole packet before it looks at it, so a header claiming 256 MB would otherwise make the broker
 * hold whatever a client streams. The bridge's own subscription is not affected (it reads).
 */
export const MAX_INBOUND_PACKET_BYTES = 64 * 1024;

/**
 * Watch what a client sends, packet by packet (fixed header: a type byte, then the remaining
 * length in 1-4 bytes of 7 bits), and cut the connection as soon as a header announces more than
 * `max` bytes, or a length runs past four bytes (not MQTT). It only observes: aedes reads the
 * socket as before, and each chunk it reads passes here too.
 */
export function guardPacketSize(socket: net.Socket, max: number, onViolation: (why: string) => void): void {
  let state: 'type' | 'length' | 'body' = 'type';
  let length = 0;
  let multiplier = 1;
  let lengthBytes = 0;
  let remaining = 0;
  socket.on('data', (chunk: Buffer) => {
    let i = 0;
    while (i < chunk.length) {
      if (state === 'type') {
        i++;
        state = 'length';
        length = 0;
        multiplier = 1;
        lengthBytes = 0;
      } else if (state === 'length') {
        const byte = chunk[i++]!;
        length += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        lengthBytes++;
        if (length > max) return cut(`a packet of ${length} bytes (at most ${max})`);
        if (byte & 0x80) {
          if (lengthBytes === 4) return cut('a remaining length longer than four bytes');
          continue;
        }
        remaining = length;
        state = remaining === 0 ? 'type' : 'body';
      } else {
        const take = Math.min(remaining, chunk.length - i);
        i += take;
        remaining -= take;
        if (remaining === 0) state = 'type';
      }
    }
  });
  function cut(why: string): void {
    onViolation(why);
    socket.destroy();
  }
}
