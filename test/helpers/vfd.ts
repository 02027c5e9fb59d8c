/**
 * A 2×20 customer display as it reads the bytes it is sent (ESC @, ESC t n, US $ x y, FF, text
 * in code page 852), so a test sees what a resident would.
 */
const CP852_BACK: Record<number, string> = {
  0xa5: 'ą', 0x86: 'ć', 0xa9: 'ę', 0x88: 'ł', 0xe4: 'ń', 0xa2: 'ó', 0x98: 'ś', 0xab: 'ź', 0xbe: 'ż',
  0xa4: 'Ą', 0x8f: 'Ć', 0xa8: 'Ę', 0x9d: 'Ł', 0xe3: 'Ń', 0xe0: 'Ó', 0x97: 'Ś', 0x8d: 'Ź', 0xbd: 'Ż',
};

export class VfdScreen {
  private cells: string[][];
  private col = 0;
  private row = 0;
  codeTable = 0;

  constructor(readonly cols = 20, readonly rows = 2) {
    this.cells = Array.from({ length: rows }, () => Array<string>(cols).fill(' '));
  }

  feed(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (b === 0x1b && bytes[i + 1] === 0x40) {
        this.clear();
        i += 1;
      } else if (b === 0x1b && bytes[i + 1] === 0x74) {
        this.codeTable = bytes[i + 2]!;
        i += 2;
      } else if (b === 0x1f && bytes[i + 1] === 0x24) {
        this.col = bytes[i + 2]! - 1;
        this.row = bytes[i + 3]! - 1;
        i += 3;
      } else if (b === 0x0c) {
        this.clear();
      } else if (b >= 0x20) {
        if (this.row < this.rows && this.col < this.cols) {
          this.cells[this.row]![this.col] = b < 0x80 ? String.fromCharCode(b) : this.codeTable === 0x12 ? (CP852_BACK[b] ?? '¿') : '¿';
        }
        this.col += 1;
      }
    }
  }

  screen(): string[] {
    return this.cells.map((r) => r.join(''));
  }

  private clear(): void {
    this.cells = Array.from({ length: this.rows }, () => Array<string>(this.cols).fill(' '));
    this.col = 0;
    this.row = 0;
  }
}
