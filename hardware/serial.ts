import type { BadgeReader, Display, DisplaySize } from './interfaces.ts';
import { toAscii } from './text.ts';
import { HardwareError } from '@okienko/protocol/errors';

/** The part of a serialport stream we use; tests pass one on @serialport/binding-mock. */
export interface SerialLink {
  write(data: Buffer): boolean;
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  close(callback?: (err?: Error | null) => void): void;
}

/** Open a real serial port (serialport ships prebuilt bindings for the Pi). */
export async function openSerial(path: string, baudRate: number): Promise<SerialLink> {
  const { SerialPort } = await import('serialport');
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate }, (err) => (err ? reject(new HardwareError(`cannot open ${path}: ${err.message} — is the device plugged in, and is the user in the "dialout" group?`)) : resolve(port)));
  });
}

/** Polish letters in code page 852 (Latin-2), which most customer displays can switch to. */
const CP852: Record<string, number> = {
  ą: 0xa5, ć: 0x86, ę: 0xa9, ł: 0x88, ń: 0xe4, ó: 0xa2, ś: 0x98, ź: 0xab, ż: 0xbe,
  Ą: 0xa4, Ć: 0x8f, Ę: 0xa8, Ł: 0x9d, Ń: 0xe3, Ó: 0xe0, Ś: 0x97, Ź: 0x8d, Ż: 0xbd,
};

export function encodeCp852(text: string): Buffer {
  return Buffer.from(Array.from(text).map((ch) => CP852[ch] ?? toAscii(ch).charCodeAt(0)));
}

export const VFD = {
  INIT: [0x1b, 0x40], // ESC @
  CODE_PAGE_852: [0x1b, 0x74, 0x12], // ESC t 18
  /** US $ x y: move the cursor to column x, row y (both from 1). */
  moveTo: (col: number, row: number) => [0x1f, 0x24, col, row],
} as const;

/**
 * A customer pole display (VFD, 2×20) speaking the Epson ESC/POS display commands over serial.
 * Rows are overwritten in place, in code page 852 so Polish letters show as they are.
 */
export class VfdDisplay implements Display {
  constructor(
    private readonly port: SerialLink,
    readonly size: DisplaySize = { cols: 20, rows: 2 },
    private readonly codePage: 'cp852' | 'ascii' = 'cp852',
  ) {
    port.write(Buffer.from([...VFD.INIT, ...(codePage === 'cp852' ? VFD.CODE_PAGE_852 : [])]));
  }

  async show(lines: readonly string[]): Promise<void> {
    const parts: Buffer[] = [];
    for (let r = 0; r < this.size.rows; r++) {
      const text = Array.from(lines[r] ?? '').slice(0, this.size.cols).join('');
      const encoded = this.codePage === 'cp852' ? encodeCp852(text) : Buffer.from(toAscii(text), 'latin1');
      const padded = Buffer.concat([encoded.subarray(0, this.size.cols), Buffer.alloc(Math.max(0, this.size.cols - encoded.length), 0x20)]);
      parts.push(Buffer.from(VFD.moveTo(1, r + 1)), padded);
    }
    this.port.write(Buffer.concat(parts));
  }

  async close(): Promise<void> {
    this.port.write(Buffer.from([0x0c])); // clear
    await new Promise<void>((resolve) => this.port.close(() => resolve()));
  }
}

/**
 * A 125 kHz badge reader on serial. Understands the common RDM6300 frame (STX, ten hex digits of
 * card number, two of checksum, ETX; the checksum is the XOR of the five card bytes) and plain
 * readers that send the number as a line. A card held to the reader is read again and again:
 * the same card within `repeatMs` counts once.
 */
export class SerialBadgeReader implements BadgeReader {
  private readonly listeners = new Set<(id: string) => void | Promise<void>>();
  private buffer = '';
  private last: { id: string; at: number } | null = null;

  constructor(
    private readonly port: SerialLink,
    private readonly options: { repeatMs?: number; now?: () => number } = {},
  ) {
    port.on('data', (data) => this.receive(data));
  }

  onBadge(listener: (id: string) => void | Promise<void>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await new Promise<void>((resolve) => this.port.close(() => resolve()));
  }

  private receive(data: Buffer): void {
    this.buffer += data.toString('latin1');
    for (;;) {
      const frame = /\x02([0-9A-Fa-f]{10})([0-9A-Fa-f]{2})\x03/.exec(this.buffer);
      const line = /^([0-9A-Fa-f]{8,16})\r?\n/.exec(this.buffer.replace(/^[\r\n]+/, ''));
      if (frame) {
        this.buffer = this.buffer.slice(frame.index + frame[0].length);
        if (rdm6300ChecksumOk(frame[1]!, frame[2]!)) this.card(frame[1]!.toUpperCase());
      } else if (line) {
        this.buffer = this.buffer.replace(/^[\r\n]+/, '').slice(line[0].length);
        this.card(line[1]!.toUpperCase());
      } else {
        // Keep a possible partial frame; drop noise that can never become one.
        if (this.buffer.length > 64) this.buffer = this.buffer.slice(-32);
        return;
      }
    }
  }

  private card(id: string): void {
    const now = (this.options.now ?? Date.now)();
    if (this.last && this.last.id === id && now - this.last.at < (this.options.repeatMs ?? 2000)) {
      this.last = { id, at: now };
      return;
    }
    this.last = { id, at: now };
    for (const l of [...this.listeners]) void Promise.resolve(l(id)).catch(() => {});
  }
}

export function rdm6300ChecksumOk(card: string, checksum: string): boolean {
  let x = 0;
  for (let i = 0; i < 10; i += 2) x ^= parseInt(card.slice(i, i + 2), 16);
  return x === parseInt(checksum, 16);
}
