/**
 * Text for character displays that know only ASCII (HD44780 ROM A00, most VFDs in their default
 * code page). Polish letters either get a custom character (HD44780 has eight slots) or fall back
 * to the base letter, which Polish readers still read correctly ("Dziekujemy").
 */

const FALLBACK: Record<string, string> = {
  ą: 'a', ć: 'c', ę: 'e', ł: 'l', ń: 'n', ó: 'o', ś: 's', ź: 'z', ż: 'z',
  Ą: 'A', Ć: 'C', Ę: 'E', Ł: 'L', Ń: 'N', Ó: 'O', Ś: 'S', Ź: 'Z', Ż: 'Z',
  '—': '-', '–': '-', '⇄': '<>', '…': '...', '„': '"', '”': '"', '’': "'", '·': '-',
};

export const POLISH_LETTERS = 'ąćęłńóśźżĄĆĘŁŃÓŚŹŻ';

/** Plain ASCII, each Polish letter as its base letter and anything else unknown as '?'. */
export function toAscii(text: string): string {
  return Array.from(text)
    .map((ch) => (ch.charCodeAt(0) < 0x80 ? ch : (FALLBACK[ch] ?? '?')))
    .join('');
}

/** 5×8 glyphs for the HD44780's custom characters, one row a byte, low 5 bits used. */
export const POLISH_GLYPHS: Record<string, number[]> = {
  ą: [0x00, 0x0e, 0x01, 0x0f, 0x11, 0x0f, 0x02, 0x01],
  ć: [0x02, 0x04, 0x0e, 0x10, 0x10, 0x11, 0x0e, 0x00],
  ę: [0x00, 0x0e, 0x11, 0x1f, 0x10, 0x0e, 0x04, 0x02],
  ł: [0x0c, 0x04, 0x06, 0x0c, 0x04, 0x04, 0x0e, 0x00],
  ń: [0x02, 0x04, 0x16, 0x19, 0x11, 0x11, 0x11, 0x00],
  ó: [0x02, 0x04, 0x0e, 0x11, 0x11, 0x11, 0x0e, 0x00],
  ś: [0x02, 0x04, 0x0e, 0x10, 0x0e, 0x01, 0x1e, 0x00],
  ź: [0x02, 0x04, 0x1f, 0x02, 0x04, 0x08, 0x1f, 0x00],
  ż: [0x04, 0x00, 0x1f, 0x02, 0x04, 0x08, 0x1f, 0x00],
  Ą: [0x0e, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x02, 0x01],
  Ć: [0x02, 0x0e, 0x15, 0x10, 0x10, 0x11, 0x0e, 0x00],
  Ę: [0x1f, 0x10, 0x1e, 0x10, 0x10, 0x1f, 0x04, 0x02],
  Ł: [0x10, 0x10, 0x14, 0x18, 0x10, 0x10, 0x1f, 0x00],
  Ń: [0x02, 0x15, 0x19, 0x15, 0x13, 0x11, 0x11, 0x00],
  Ó: [0x02, 0x0e, 0x15, 0x11, 0x11, 0x11, 0x0e, 0x00],
  Ś: [0x02, 0x0f, 0x14, 0x0e, 0x01, 0x01, 0x1e, 0x00],
  Ź: [0x02, 0x1f, 0x05, 0x02, 0x04, 0x08, 0x1f, 0x00],
  Ż: [0x04, 0x1f, 0x01, 0x02, 0x04, 0x08, 0x1f, 0x00],
};

export interface CharacterScreen {
  /** One string per row, each exactly `cols` long, characters 0-7 standing for custom slots. */
  rows: string[];
  /** Slot → letter, for the slots this screen uses. */
  slots: string[];
}

/**
 * Lay out lines for an HD44780: cut and pad to the size, give the first eight distinct Polish
 * letters a custom slot each, and write any others (and other non-ASCII) as ASCII.
 */
export function hd44780Screen(lines: readonly string[], cols: number, rows: number): CharacterScreen {
  const slots: string[] = [];
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    const chars = Array.from(lines[r] ?? '').slice(0, cols);
    let row = '';
    for (const ch of chars) {
      if (POLISH_GLYPHS[ch]) {
        let slot = slots.indexOf(ch);
        if (slot === -1 && slots.length < 8) slot = slots.push(ch) - 1;
        row += slot === -1 ? toAscii(ch) : String.fromCharCode(slot);
      } else {
        row += toAscii(ch);
      }
    }
    // A fallback can be longer than one cell ("⇄" → "<>"): cut again after converting.
    out.push(row.slice(0, cols).padEnd(cols, ' '));
  }
  return { rows: out, slots };
}

/** Cut and pad lines to a display's size, in plain ASCII. */
export function asciiScreen(lines: readonly string[], cols: number, rows: number): string[] {
  return Array.from({ length: rows }, (_, r) => toAscii(lines[r] ?? '').slice(0, cols).padEnd(cols, ' '));
}
