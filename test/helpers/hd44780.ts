import { POLISH_GLYPHS } from '@okienko/hardware';

/**
 * An HD44780 character LCD as it sits behind a PCF8574 backpack: it is fed the bytes written to
 * the expander over I²C and keeps its display and character memory, so a test reads what a
 * person would see. Bits: P0 RS, P1 RW, P2 E, P3 backlight, P4-P7 data (4-bit mode).
 */
export class Hd44780 {
  private prev = 0;
  private fourBit = false;
  private high: number | null = null;
  private ddram = new Uint8Array(128).fill(0x20);
  private cgram = new Uint8Array(64);
  private addr = 0;
  private target: 'ddram' | 'cgram' = 'ddram';
  backlight = false;

  constructor(readonly cols: number, readonly rows: number) {}

  /** One byte written to the PCF8574. */
  write(byte: number): void {
    this.backlight = (byte & 0x08) !== 0;
    const fallingEdge = (this.prev & 0x04) !== 0 && (byte & 0x04) === 0;
    this.prev = byte;
    if (!fallingEdge) return;
    const nibble = (byte >> 4) & 0x0f;
    const rs = (byte & 0x01) !== 0;
    if (!this.fourBit) {
      // Power-on: 8-bit mode, where only the high nibble is wired; 0x2 switches to 4-bit.
      if (nibble === 0x2) this.fourBit = true;
      return;
    }
    if (this.high === null) {
      this.high = nibble;
      return;
    }
    const value = (this.high << 4) | nibble;
    this.high = null;
    if (rs) this.data(value);
    else this.command(value);
  }

  private command(c: number): void {
    if (c === 0x01) {
      this.ddram.fill(0x20);
      this.addr = 0;
      this.target = 'ddram';
    } else if (c & 0x80) {
      this.addr = c & 0x7f;
      this.target = 'ddram';
    } else if (c & 0x40) {
      this.addr = c & 0x3f;
      this.target = 'cgram';
    }
  }

  private data(d: number): void {
    if (this.target === 'ddram') this.ddram[this.addr++ & 0x7f] = d;
    else this.cgram[this.addr++ & 0x3f] = d;
  }

  /** What the screen shows, custom characters read back as the letters their glyphs draw. */
  screen(): string[] {
    const offsets = [0x00, 0x40, this.cols, 0x40 + this.cols];
    return Array.from({ length: this.rows }, (_, r) =>
      Array.from(this.ddram.subarray(offsets[r]!, offsets[r]! + this.cols), (code) => (code < 8 ? this.glyphLetter(code) : String.fromCharCode(code))).join(''),
    );
  }

  private glyphLetter(slot: number): string {
    const glyph = Array.from(this.cgram.subarray(slot * 8, slot * 8 + 8));
    const found = Object.entries(POLISH_GLYPHS).find(([, g]) => g.every((row, i) => row === glyph[i]));
    return found ? found[0] : '¿';
  }
}
