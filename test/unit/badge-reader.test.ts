import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { SerialPortStream } from '@serialport/stream';
import type { MockBindingInterface } from '../../node_modules/@serialport/binding-mock/dist/index.d.ts';
import { SerialBadgeReader, rdm6300ChecksumOk } from '@okienko/hardware';
import { waitFor } from '../helpers/net.ts';

const { MockBinding } = createRequire(import.meta.url)('@serialport/binding-mock') as { MockBinding: MockBindingInterface };

afterEach(() => MockBinding.reset());

/** An RDM6300 frame for a card number, with its checksum. */
function frame(card: string, badChecksum = false): Buffer {
  let x = 0;
  for (let i = 0; i < 10; i += 2) x ^= parseInt(card.slice(i, i + 2), 16);
  if (badChecksum) x ^= 0xff;
  return Buffer.from(`\x02${card}${x.toString(16).toUpperCase().padStart(2, '0')}\x03`, 'latin1');
}

async function reader(now: () => number = Date.now) {
  MockBinding.createPort('/dev/ttyBADGE', { echo: false, record: true });
  const port = new SerialPortStream({ binding: MockBinding, path: '/dev/ttyBADGE', baudRate: 9600 });
  await new Promise<void>((resolve, reject) => port.once('open', resolve).once('error', reject));
  const badges: string[] = [];
  const r = new SerialBadgeReader(port, { now, repeatMs: 2000 });
  r.onBadge((id) => void badges.push(id));
  const emit = (b: Buffer) => (port.port as unknown as { emitData(d: Buffer): void }).emitData(b);
  /** Send bytes and wait until the reader has had them (the mock delivers asynchronously, as a port does). */
  const deliver = (b: Buffer) => {
    const arrived = new Promise<void>((resolve) => port.once('data', () => resolve()));
    emit(b);
    return arrived;
  };
  return { badges, emit, deliver, r };
}

describe('serial badge reader', () => {
  it('reads an RDM6300 card, even when the frame arrives in pieces', async () => {
    const { badges, emit } = await reader();
    const f = frame('0A000000FF');
    emit(f.subarray(0, 5));
    emit(f.subarray(5));
    await waitFor(() => badges.length === 1, { what: 'a badge' });
    expect(badges).toEqual(['0A000000FF']);
  });

  it('ignores a frame with a wrong checksum and noise, and reads the next good one', async () => {
    const { badges, emit } = await reader();
    emit(Buffer.concat([Buffer.from('garbage'), frame('0A00000001', true), frame('0A00000002')]));
    await waitFor(() => badges.length === 1, { what: 'the good badge' });
    expect(badges).toEqual(['0A00000002']);
  });

  it('counts a card held to the reader once, and again after it was taken away', async () => {
    let now = 1_000_000;
    const { badges, deliver } = await reader(() => now);
    for (let i = 0; i < 5; i++) {
      await deliver(frame('0A00000003'));
      now += 300; // read again and again while held
    }
    expect(badges).toEqual(['0A00000003']);
    now += 5000;
    await deliver(frame('0A00000003'));
    expect(badges).toEqual(['0A00000003', '0A00000003']);
  });

  it('reads readers that send the number as a line', async () => {
    const { badges, emit } = await reader();
    emit(Buffer.from('\r\n0a1b2c3d4e\r\n'));
    await waitFor(() => badges.length === 1, { what: 'a line badge' });
    expect(badges).toEqual(['0A1B2C3D4E']);
  });

  it('checks the RDM6300 checksum as XOR of the five card bytes', () => {
    expect(rdm6300ChecksumOk('62E3086CED', '08')).toBe(true);
    expect(rdm6300ChecksumOk('62E3086CED', '09')).toBe(false);
  });
});
