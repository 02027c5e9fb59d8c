import { describe, expect, it } from 'vitest';
import { displayLines, initialState, machineConfig, type MachineConfig } from '@okienko/device';

const clerk = { id: 'k1', name: 'Anna Nowak' };
const config: MachineConfig = machineConfig();
const T0 = Date.UTC(2026, 10, 20, 9, 30);
const size = { cols: 32, rows: 6 };
const ctx = { linkUp: true, timeZone: 'Europe/Warsaw' };

describe('display text', () => {
  it('says the offices\' words for free and serving, with English', () => {
    const s = initialState(T0, clerk);
    expect(displayLines(s, T0, config, size, ctx)).toEqual(['Stanowisko wolne', 'zapraszam', 'Free, please come', 'Anna Nowak']);
    expect(displayLines({ ...s, status: 'serving' }, T0, config, size, ctx)[0]).toBe('Trwa obsługa');
  });

  it('shows the signed away notice: back at HH:MM, reason, substitute and where (S1)', () => {
    const s = {
      ...initialState(T0, clerk),
      status: 'away' as const,
      notice: { backAt: Date.UTC(2026, 10, 20, 9, 45), reason: 'break' as const, substitute: { name: 'Jan Kowalski', where: 'stanowisko 3' }, signedBy: clerk },
    };
    expect(displayLines(s, T0, config, { cols: 40, rows: 6 }, ctx)).toEqual([
      'Zaraz wracam — Wracam o 10:45',
      'Powód: przerwa',
      'W tym czasie zapraszam do:',
      'Jan Kowalski, stanowisko 3',
      'Anna Nowak',
      'Back at 10:45',
    ]);
  });

  it('marks a lost link on the last row, on every size, so a frozen screen is never taken for the truth (S7)', () => {
    const s = initialState(T0, clerk);
    for (const sz of [{ cols: 16, rows: 2 }, { cols: 20, rows: 4 }, size]) {
      const lines = displayLines(s, T0, config, sz, { ...ctx, linkUp: false });
      expect(lines).toHaveLength(sz.rows);
      expect(lines.at(-1)).toMatch(/brak lacznosci/);
    }
  });

  it('thanks the resident after a vote', () => {
    const s = { ...initialState(T0, clerk), thanksUntil: T0 + 3000 };
    expect(displayLines(s, T0 + 100, config, size, ctx)[0]).toBe('Dziękujemy za ocenę');
    expect(displayLines(s, T0 + 3000, config, size, ctx)[0]).toBe('Stanowisko wolne');
  });
});
