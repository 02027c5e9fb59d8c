import { describe, expect, it } from 'vitest';
import { PAGE_MS, displayLines, displayPages, initialState, machineConfig, type MachineState } from '@okienko/device';

const clerk = { id: 'k1', name: 'Anna Nowak' };
const config = machineConfig();
const T0 = Date.UTC(2026, 10, 20, 9, 30);
const ctx = { linkUp: true, timeZone: 'Europe/Warsaw' };
const SIZES = { 'LCD 16×2': { cols: 16, rows: 2 }, 'LCD 20×4': { cols: 20, rows: 4 }, 'VFD 2×20': { cols: 20, rows: 2 }, 'panel 32×6': { cols: 32, rows: 6 } };

const away: MachineState = {
  ...initialState(T0, clerk),
  status: 'away',
  notice: { backAt: Date.UTC(2026, 10, 20, 9, 45), reason: 'break', substitute: { name: 'Jan Kowalski', where: 'stanowisko 3' }, signedBy: clerk },
};
const text = (pages: string[][]) => pages.map((p) => p.join(' ')).join(' ').replace(/\s+/g, ' ');

describe.each(Object.entries(SIZES))('display text on %s', (_name, size) => {
  it('fits: every page is exactly the screen, no line too long', () => {
    for (const state of [initialState(T0, clerk), { ...initialState(T0, clerk), status: 'serving' as const }, away]) {
      for (const page of displayPages(state, T0, config, size, ctx)) {
        expect(page).toHaveLength(size.rows);
        for (const line of page) expect(Array.from(line).length).toBeLessThanOrEqual(size.cols);
      }
    }
  });

  it('the away notice says it all across its pages: back at, reason, substitute and where, signed, in Polish then English (S1, S2, S8)', () => {
    const pages = displayPages(away, T0, config, size, ctx);
    const all = text(pages);
    for (const piece of ['Zaraz wracam', 'Wracam o 10:45', 'przerwa', 'W tym czasie zapraszam do:', 'Jan Kowalski', 'stanowisko 3', 'Anna Nowak', 'Back at 10:45', 'Meanwhile please go to:']) {
      expect(all).toContain(piece);
    }
    expect(all.indexOf('Wracam o 10:45')).toBeLessThan(all.indexOf('Back at 10:45'));
  });

  it('turns its pages with time', () => {
    const pages = displayPages(away, T0, config, size, ctx);
    const shown = pages.map((_, i) => displayLines(away, i * PAGE_MS, config, size, ctx));
    expect(shown).toEqual(pages);
  });

  it('marks a lost link on every page and says so on a page of its own (S7)', () => {
    const pages = displayPages(initialState(T0, clerk), T0, config, size, { ...ctx, linkUp: false });
    const withoutLink = pages.slice(0, -1);
    for (const p of withoutLink) expect(p[0]!.endsWith('!')).toBe(true);
    expect(text(pages.slice(-1))).toContain('Brak łączności');
  });
});

describe('display text', () => {
  it('says the offices\' words for free and serving, with the clerk and English', () => {
    const s = initialState(T0, clerk);
    expect(displayPages(s, T0, config, { cols: 20, rows: 4 }, ctx)).toEqual([
      ['Stanowisko wolne', 'zapraszam', 'Anna Nowak', 'Free, please come'],
    ]);
    expect(displayPages({ ...s, status: 'serving' }, T0, config, { cols: 16, rows: 2 }, ctx)[0]).toEqual(['Trwa obsługa', 'proszę czekać']);
  });

  it('thanks the resident after a vote, then goes back to the state', () => {
    const s = { ...initialState(T0, clerk), thanksUntil: T0 + 3000 };
    expect(displayLines(s, T0 + 100, config, { cols: 32, rows: 6 }, ctx)[0]).toBe('Dziękujemy za ocenę');
    expect(displayLines(s, T0 + 3000, config, { cols: 32, rows: 6 }, ctx)[0]).toBe('Stanowisko wolne');
  });
});

describe('the away menu on a small screen (issue 19, rough edges)', () => {
  it('shows the return it would announce on the first page after every press, with how to confirm or cancel', async () => {
    const { initialState, machineConfig, step } = await import('@okienko/device');
    const { displayLines: lines, displayPages: pages } = await import('@okienko/device');
    const c = machineConfig();
    const T = Date.UTC(2026, 10, 20, 9, 30) + 2500; // 10:30:02.5 in Warsaw, mid-page
    let s = step(initialState(T, { id: 'k1', name: 'Anna Nowak' }), { type: 'press', button: 'away' }, T, c).state;
    const lcd = { cols: 16, rows: 2 };
    const ctx = { linkUp: true, timeZone: 'Europe/Warsaw' };
    expect(lines(s, T, c, lcd, ctx)).toEqual(['Wychodzę:', 'Wracam o 10:36']);
    // 3.9 s on, the second press: the first page again, with the next choice.
    s = step(s, { type: 'press', button: 'away' }, T + 3900, c).state;
    expect(lines(s, T + 3900, c, lcd, ctx)).toEqual(['Wychodzę:', 'Wracam o 10:46']);
    const all = pages(s, T + 3900, c, lcd, ctx).flat().join(' ');
    expect(all).toContain('Odczekaj: zatwierdzę');
    expect(all).toContain('Przycisk urzędnika: anuluj');
    expect(all).toContain('Back at 10:46');
  });
});
