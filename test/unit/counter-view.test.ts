import { describe, expect, it, vi } from 'vitest';
import { Timers, counterView, initialState, machineConfig, showingNotices, step, type MachineState } from '@okienko/device';

// What the light and display show, from the machine's state alone: no hardware, no runtime.

const clerk = { id: 'k1', name: 'Anna Nowak' };
const config = machineConfig();
const T0 = Date.UTC(2026, 10, 20, 9, 28);
const ctx = { size: { cols: 40, rows: 8 }, linkUp: true, loginRefused: false, timeZone: 'Europe/Warsaw', clockSynced: true };
const notice = { id: '5a1d1f44-4b7e-4d53-9a3c-1f0a0d7c2b11', text: 'Awaria drukarki', from: 'IT', at: T0, until: T0 + 60_000 };
const withNotice = (state: MachineState, receivedAt: number): MachineState =>
  step(state, { type: 'notices', message: { v: 1, site: 'ratusz', counter: 'okienko-1', at: T0, notices: [notice] }, receivedAt }, receivedAt, config).state;

describe('counterView', () => {
  it('lights by the status and writes the status on the display', () => {
    expect(counterView(initialState(T0, clerk), T0, config, ctx)).toEqual({ light: 'green', lines: expect.arrayContaining(['Stanowisko wolne']) });
    expect(counterView(initialState(T0, null), T0, config, ctx).light).toBe('off');
    const serving = step(initialState(T0, clerk), { type: 'press', button: 'clerk' }, T0, config).state;
    expect(counterView(serving, T0, config, ctx).light).toBe('amber');
  });

  it('marks the display while the link is down, and says so when the login was refused', () => {
    const down = counterView(initialState(T0, clerk), T0, config, { ...ctx, linkUp: false });
    expect(down.lines[0]).toMatch(/!$/);
    const pages = [0, 1, 2].map((p) => counterView(initialState(T0, clerk), T0 + p * 4000, config, { ...ctx, size: { cols: 20, rows: 2 }, linkUp: false, loginRefused: true }).lines.join(' '));
    expect(pages.join(' ')).toContain('Odmowa logowania');
  });

  it('shows the notices the machine holds, after the counter’s own message, until their end', () => {
    const s = withNotice(initialState(T0, clerk), T0);
    expect(s.officeNotices?.receivedAt).toBe(T0);
    const shown = counterView(s, T0, config, ctx).lines.join(' ');
    expect(shown.indexOf('Stanowisko wolne')).toBeLessThan(shown.indexOf('Awaria drukarki'));
    expect(counterView(s, T0 + 60_000, config, ctx).lines.join(' ')).not.toContain('Awaria drukarki');
    // All taken down: an empty retained message.
    const none = step(s, { type: 'notices', message: null, receivedAt: T0 }, T0, config);
    expect(none).toEqual({ state: { ...s, officeNotices: null }, effects: [] });
  });

  it('without a synchronised clock, counts a notice’s time from when it arrived', () => {
    const epoch = Date.UTC(1970, 0, 1);
    const s = withNotice(initialState(epoch, clerk), epoch);
    expect(showingNotices(s.officeNotices, epoch + 59_999, false)).toHaveLength(1);
    expect(showingNotices(s.officeNotices, epoch + 60_000, false)).toEqual([]);
    expect(showingNotices(s.officeNotices, epoch, true)).toHaveLength(1); // 1970 is before its end
    expect(showingNotices(null, epoch, false)).toEqual([]);
  });
});

describe('Timers', () => {
  it('starts and clears each timer by name, replaces one started again, and clears all', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
    try {
      const timers = new Timers<'a' | 'b' | 'c'>();
      const fired: string[] = [];
      timers.after('a', 100, () => fired.push('a'));
      timers.after('a', 200, () => fired.push('a2')); // replaces the first
      timers.every('b', 50, () => fired.push('b'));
      timers.after('c', 10, () => fired.push('c'));
      timers.clear('c');
      expect(timers.has('c')).toBe(false);
      vi.advanceTimersByTime(200);
      expect(fired).toEqual(['b', 'b', 'b', 'a2', 'b']); // a2 was due at 200 before the b started at 150
      expect(timers.has('a')).toBe(false); // ran once, gone
      timers.clearAll();
      vi.advanceTimersByTime(500);
      expect(fired).toHaveLength(5);
      expect(timers.has('b')).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });
});
