import { describe, expect, it } from 'vitest';
import { DEFAULT_PRESETS, initialState, machineConfig, step, type Input, type MachineConfig, type MachineState } from '@okienko/device';

const clerk = { id: 'k1', name: 'Anna Nowak' };
const substitute = { name: 'Jan Kowalski', where: 'stanowisko 3' };
const config: MachineConfig = machineConfig({
  substitute,
  roster: { 'BADGE-1': clerk, 'BADGE-2': { id: 'k2', name: 'Jan Kowalski', substitute: { name: 'Ewa Mazur', where: 'pokój 12' } } },
});
const T0 = Date.UTC(2026, 10, 20, 9, 30); // 10:30 in Warsaw

/** Run inputs at given times; returns the final state and every effect in order. */
function run(inputs: [number, Input][], start: MachineState = initialState(T0, clerk)) {
  let state = start;
  const effects = [];
  for (const [at, input] of inputs) {
    const r = step(state, input, at, config);
    state = r.state;
    effects.push(...r.effects);
  }
  return { state, effects };
}
const press = (button: 'clerk' | 'away' | `face-${1 | 2 | 3 | 4 | 5}`): Input => ({ type: 'press', button });
const tick: Input = { type: 'tick' };

describe('clerk button', () => {
  it('toggles available ⇄ serving with one press, each an event', () => {
    const { state, effects } = run([
      [T0 + 1000, press('clerk')],
      [T0 + 2000, press('clerk')],
    ]);
    expect(state.status).toBe('available');
    expect(effects.map((e) => e.type === 'emit' && e.event.type === 'state_changed' && `${e.event.from}>${e.event.to}`)).toEqual([
      'available>serving',
      'serving>available',
    ]);
    expect(state.since).toBe(T0 + 2000);
  });
});

describe('leaving the counter', () => {
  it('cycles presets with each press and commits after a pause, with a signed notice (S1, S2)', () => {
    const { state, effects } = run([
      [T0, press('away')], // 5 min
      [T0 + 1000, press('away')], // 15 min
      [T0 + 4999, tick], // not yet: pause counts from the last press
      [T0 + 5000, tick],
    ]);
    expect(state.status).toBe('away');
    expect(state.notice).toEqual({
      backAt: T0 + 1000 + 15 * 60_000 + 59_000, // rounded up to a whole minute
      reason: 'short',
      substitute,
      signedBy: clerk,
    });
    expect(effects).toHaveLength(1);
    const e = effects[0]!;
    expect(e.type === 'emit' && e.event.type === 'state_changed' && e.event.notice).toEqual(state.notice);
  });

  it('does nothing before the pause has passed', () => {
    const { state, effects } = run([
      [T0, press('away')],
      [T0 + 3999, tick],
    ]);
    expect(state.status).toBe('available');
    expect(state.awaySelection).toEqual({ index: 0, lastPressAt: T0 });
    expect(effects).toEqual([]);
  });

  it('a clerk press cancels a half-made choice', () => {
    const { state, effects } = run([
      [T0, press('away')],
      [T0 + 500, press('clerk')],
      [T0 + 10_000, tick],
    ]);
    expect(state.status).toBe('available');
    expect(effects).toEqual([]);
  });

  it('coming back clears the notice at once', () => {
    const { state } = run([
      [T0, press('away')],
      [T0 + 4000, tick],
      [T0 + 60_000, press('clerk')],
    ]);
    expect(state.status).toBe('available');
    expect(state.notice).toBeNull();
  });

  it('end of day closes the counter and signs the clerk out', () => {
    const inputs: [number, Input][] = DEFAULT_PRESETS.map((_, i) => [T0 + i * 100, press('away')]);
    const { state } = run([...inputs, [T0 + 10_000, tick]]);
    expect(state.status).toBe('closed');
    expect(state.clerk).toBeNull();
  });

  it('refuses an unsigned notice: without a clerk it asks to sign in and records nothing', () => {
    const { state, effects } = run([[T0, press('away')], [T0 + 5000, tick]], initialState(T0, null));
    expect(state.status).toBe('available');
    expect(effects).toEqual([]);
    expect(step(initialState(T0, null), press('away'), T0, config).state.hint?.text).toBe('sign_in');
  });
});

describe('feedback', () => {
  it('is an event credited to the clerk and the session it follows, then confirmed', () => {
    const { effects } = run([
      [T0, press('clerk')], // serving starts session
      [T0 + 60_000, press('clerk')],
      [T0 + 65_000, press('face-3')],
    ]);
    const fb = effects[2]!;
    expect(fb.type === 'emit' && fb.event).toMatchObject({ type: 'feedback', face: 3, scale: 4, clerk, sessionId: `s${T0.toString(36)}`, flagged: false });
    // The confirmation comes after the event, so the runtime makes it durable first.
    expect(effects[3]).toEqual({ type: 'confirm_feedback' });
  });

  it('keeps a repeat press within the interval but flags it', () => {
    const { effects } = run([
      [T0, press('face-4')],
      [T0 + 2000, press('face-1')],
      [T0 + 20_000, press('face-2')],
    ]);
    const flags = effects.filter((e) => e.type === 'emit').map((e) => e.type === 'emit' && e.event.type === 'feedback' && e.event.flagged);
    expect(flags).toEqual([false, true, false]);
  });

  it('ignores a face beyond the scale', () => {
    const { effects } = run([[T0, press('face-5')]]);
    expect(effects).toEqual([]);
  });

  it('shows thanks for a while, then clears it', () => {
    const a = run([[T0, press('face-4')]]);
    expect(a.state.thanksUntil).toBe(T0 + 3000);
    const b = step(a.state, tick, T0 + 3000, config);
    expect(b.state.thanksUntil).toBeNull();
  });
});

describe('closing by command', () => {
  it('closes and reopens; the clerk button does nothing while closed', () => {
    const { state, effects } = run([
      [T0, { type: 'set_open', open: false }],
      [T0 + 1, press('clerk')],
      [T0 + 2, { type: 'set_open', open: false }],
    ]);
    expect(state.status).toBe('closed');
    expect(effects).toHaveLength(1);
    expect(step(state, { type: 'set_open', open: true }, T0 + 3, config).state.status).toBe('available');
  });

  it('a tick with nothing pending returns the very same state (no work, no writes)', () => {
    const s = initialState(T0, clerk);
    expect(step(s, tick, T0 + 1000, config).state).toBe(s);
  });
});

describe('one-button leaving and badges', () => {
  it('a hold of the clerk button picks an away preset like the away button', () => {
    const { state } = run([
      [T0, { type: 'hold', button: 'clerk' }],
      [T0 + 1500, { type: 'hold', button: 'clerk' }],
      [T0 + 1500 + 4000, tick],
    ]);
    expect(state.status).toBe('away');
    expect(state.notice?.backAt).toBe(T0 + 1500 + 15 * 60_000 + 60_000 - ((T0 + 1500) % 60_000));
  });

  it('a badge signs its clerk in, the same badge again signs out, each an event (S6)', () => {
    const { state, effects } = run(
      [
        [T0, { type: 'badge', badgeId: 'BADGE-2' }],
        [T0 + 1000, { type: 'badge', badgeId: 'BADGE-2' }],
      ],
      initialState(T0, null),
    );
    expect(state.clerk).toBeNull();
    expect(effects.map((e) => e.type === 'emit' && e.event)).toEqual([
      { type: 'clerk_changed', clerk: { id: 'k2', name: 'Jan Kowalski' }, cause: 'badge' },
      { type: 'clerk_changed', clerk: null, cause: 'badge' },
    ]);
  });

  it('another clerk\'s badge takes over the counter; an unknown badge changes nothing', () => {
    const a = run([[T0, { type: 'badge', badgeId: 'BADGE-2' }]]);
    expect(a.state.clerk?.name).toBe('Jan Kowalski');
    const b = run([[T0, { type: 'badge', badgeId: 'NOPE' }]]);
    expect(b.effects).toEqual([]);
    expect(b.state.hint?.text).toBe('unknown_badge');
  });

  it('end of day closes and signs out as two events', () => {
    const inputs: [number, Input][] = DEFAULT_PRESETS.map((_, i) => [T0 + i * 100, press('away')]);
    const { effects } = run([...inputs, [T0 + 10_000, tick]]);
    expect(effects.map((e) => e.type === 'emit' && e.event.type)).toEqual(['state_changed', 'clerk_changed']);
  });

  it('the away notice names the clerk\'s own substitute from the roster, else the counter\'s', () => {
    const jan = run([
      [T0, { type: 'badge', badgeId: 'BADGE-2' }],
      [T0 + 1000, press('away')],
      [T0 + 5000, tick],
    ]);
    expect(jan.state.notice?.substitute).toEqual({ name: 'Ewa Mazur', where: 'pokój 12' });
    expect(jan.state.notice?.signedBy).toEqual({ id: 'k2', name: 'Jan Kowalski' });
    const anna = run([
      [T0, press('away')],
      [T0 + 4000, tick],
    ]);
    expect(anna.state.notice?.substitute).toEqual(substitute);
  });
});
