import { describe, expect, it } from 'vitest';
import { DEFAULT_PRESETS, awayMenu, initialState, machineConfig, step, type Input, type MachineConfig, type MachineState } from '@okienko/device';

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
      // As the menu showed it from the first press ("Wracam o 10:45"), a whole minute.
      backAt: T0 + 15 * 60_000,
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
    expect(state.awaySelection).toEqual({ index: 0, lastPressAt: T0, startedAt: T0 });
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
    expect(state.status).toBe('closed');
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
    expect(state.notice?.backAt).toBe(T0 + 15 * 60_000); // the second choice, as shown from the first hold
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
    // Nobody signed in is closed: signing in opens the counter, signing out closes it again.
    const jan = { id: 'k2', name: 'Jan Kowalski' };
    expect(effects.map((e) => e.type === 'emit' && e.event)).toEqual([
      { type: 'clerk_changed', clerk: jan, cause: 'badge' },
      { type: 'state_changed', from: 'closed', to: 'available', clerk: jan, notice: null, cause: 'clerk' },
      { type: 'state_changed', from: 'available', to: 'closed', clerk: jan, notice: null, cause: 'clerk' },
      { type: 'clerk_changed', clerk: null, cause: 'badge' },
    ]);
    expect(state).toMatchObject({ status: 'closed', closedBy: 'vacant' });
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

describe('nobody signed in (issue 19, defect 5)', () => {
  it('a counter with nobody signed in is closed, never "free, please come"; the clerk button asks for a badge', () => {
    const empty = initialState(T0, null);
    expect(empty).toMatchObject({ status: 'closed', closedBy: 'vacant' });
    const r = step(empty, press('clerk'), T0, config);
    expect(r.effects).toEqual([]);
    expect(r.state.hint?.text).toBe('sign_in');
    // The manager's "open" cannot open an empty desk either.
    expect(step(empty, { type: 'set_open', open: true }, T0, config).state.status).toBe('closed');
  });

  it('signing out closes the counter, as the clerk who left; again and again', () => {
    let s = initialState(T0, clerk);
    for (let i = 0; i < 2; i++) {
      const out = step(s, { type: 'badge', badgeId: 'BADGE-1' }, T0 + i * 10_000, config);
      expect(out.state).toMatchObject({ status: 'closed', clerk: null, closedBy: 'vacant' });
      expect(out.effects[0]).toMatchObject({ type: 'emit', event: { type: 'state_changed', to: 'closed', clerk } });
      const back = step(out.state, { type: 'badge', badgeId: 'BADGE-1' }, T0 + i * 10_000 + 5000, config);
      expect(back.state).toMatchObject({ status: 'available', clerk, closedBy: null });
      s = back.state;
    }
  });

  it('a clerk who badges in before opening time, or whose end of day came first, does not open it before its hours', () => {
    const night = initialState(T0, null); // first start, before opening: closed, nobody there
    const outside = step(night, { type: 'schedule', open: false }, T0, config).state;
    for (let day = 0; day < 2; day++) {
      const early = step(outside, { type: 'badge', badgeId: 'BADGE-1' }, T0 + day, config).state;
      expect(early).toMatchObject({ status: 'closed', clerk });
      expect(step(early, { type: 'schedule', open: true }, T0 + 60_000, config).state).toMatchObject({ status: 'available', clerk });
    }
  });

  it('a counter with a fixed clerk and no badge reader signs them in with the clerk button', () => {
    const fixed = { ...config, fixedClerk: clerk };
    // End of day signed Anna out; next morning she presses the button.
    const eod = run(DEFAULT_PRESETS.map((_, i): [number, Input] => [T0 + i * 100, press('away')]).concat([[T0 + 10_000, tick]])).state;
    expect(eod).toMatchObject({ status: 'closed', clerk: null });
    const r = step(eod, press('clerk'), T0 + 60_000, fixed);
    expect(r.state).toMatchObject({ status: 'available', clerk });
    expect(r.effects.map((e) => e.type === 'emit' && e.event.type)).toEqual(['clerk_changed', 'state_changed']);
    // A manager's closure is not the clerk's to lift.
    const byCommand = step(initialState(T0, clerk), { type: 'set_open', open: false }, T0, fixed).state;
    expect(step(byCommand, press('clerk'), T0 + 1, fixed).state.status).toBe('closed');
  });
});

describe('who the notice names (issue 19, defect 4)', () => {
  it('names who is there now when the named colleague leaves too, and again when someone is back', () => {
    const peer = (status: 'available' | 'away', name: string) => ({ status, clerk: { id: name, name }, online: true });
    const withPeers = (p: Record<string, ReturnType<typeof peer>>): MachineConfig => ({ ...config, peers: new Map(Object.entries(p)) });
    const here = withPeers({ 'okienko-2': peer('available', 'Jan Kowalski') });
    let s = step(initialState(T0, clerk), press('away'), T0, here).state;
    s = step(s, tick, T0 + config.awayCommitMs, here).state;
    expect(s.notice?.substitute).toEqual({ name: 'Jan Kowalski', where: 'stanowisko 2' });
    for (let round = 0; round < 2; round++) {
      const gone = step(s, { type: 'peers' }, T0 + 60_000, withPeers({ 'okienko-2': peer('away', 'Jan Kowalski') }));
      expect(gone.effects).toEqual([]); // not a change of state: no event
      expect(gone.state.notice).toMatchObject({ substitute: null, signedBy: clerk });
      const back = step(gone.state, { type: 'peers' }, T0 + 120_000, withPeers({ 'okienko-2': peer('away', 'Jan Kowalski'), 'okienko-5': peer('available', 'Ewa Mazur') }));
      expect(back.state.notice?.substitute).toEqual({ name: 'Ewa Mazur', where: 'stanowisko 5' });
      s = step(back.state, { type: 'peers' }, T0 + 130_000, here).state;
      // Jan is back: the configured colleague is named again.
      expect(s.notice?.substitute).toEqual({ name: 'Jan Kowalski', where: 'stanowisko 2' });
    }
  });

  it('never names the clerk who is away as their own substitute', () => {
    // Jan usually helps at this counter; today he is signed in here himself.
    const r = run(
      [
        [T0, { type: 'sign_in', clerk: { id: 'k3', name: 'Jan Kowalski' } }],
        [T0 + 1000, press('away')],
        [T0 + 5000, tick],
      ],
      initialState(T0, null),
    );
    expect(r.state.notice?.signedBy.name).toBe('Jan Kowalski');
    expect(r.state.notice?.substitute).toBeNull();
    // His own substitute from the roster comes first, and is used when it is someone else.
    const c = machineConfig({ substitute, roster: { B: { id: 'k3', name: 'Jan Kowalski', substitute: { name: 'Ewa Mazur', where: 'pokój 12' } } } });
    let s = step(initialState(T0, { id: 'k3', name: 'Jan Kowalski' }), press('away'), T0, c).state;
    s = step(s, tick, T0 + 4000, c).state;
    expect(s.notice?.substitute?.name).toBe('Ewa Mazur');
  });

  it('a clerk who badges in at an away counter takes it over: the old notice comes down, not re-signed', () => {
    const away = run([
      [T0, press('away')],
      [T0 + 4000, tick],
    ]).state;
    expect(away.notice?.signedBy).toEqual(clerk);
    const r = step(away, { type: 'badge', badgeId: 'BADGE-2' }, T0 + 60_000, config);
    expect(r.state).toMatchObject({ status: 'available', clerk: { id: 'k2' }, notice: null });
    expect(r.effects.map((e) => e.type === 'emit' && e.event)).toEqual([
      { type: 'clerk_changed', clerk: { id: 'k2', name: 'Jan Kowalski' }, cause: 'badge' },
      { type: 'state_changed', from: 'away', to: 'available', clerk: { id: 'k2', name: 'Jan Kowalski' }, notice: null, cause: 'clerk' },
    ]);
    // Leaving again, the new clerk signs a notice of their own.
    let s = step(r.state, press('away'), T0 + 70_000, config).state;
    s = step(s, tick, T0 + 74_000, config).state;
    expect(s.notice?.signedBy.name).toBe('Jan Kowalski');
    expect(s.notice?.substitute?.name).toBe('Ewa Mazur');
  });
});

describe('the away menu (issue 19, rough edges)', () => {
  it('offers presets soonest first, end of day last, and a fixed return time only before it', () => {
    const c = machineConfig({
      presets: [
        { reason: 'end_of_day', minutes: null },
        { reason: 'errand', minutes: 30 },
        { reason: 'break', at: '13:00' },
        { reason: 'short', minutes: 5 },
        { reason: 'break', at: '10:00' }, // already past at 10:30
      ],
    });
    expect(awayMenu(T0, c)).toEqual([
      { reason: 'short', backAt: T0 + 5 * 60_000 },
      { reason: 'errand', backAt: T0 + 30 * 60_000 },
      { reason: 'break', backAt: T0 + 150 * 60_000 }, // 13:00 in Warsaw
      { reason: 'end_of_day', backAt: null },
    ]);
    // Chosen with three presses; the notice says 13:00.
    let s = initialState(T0, clerk);
    for (let i = 0; i < 3; i++) s = step(s, press('away'), T0 + i * 500, c).state;
    s = step(s, tick, T0 + 1000 + 4000, c).state;
    expect(s.notice).toMatchObject({ reason: 'break', backAt: Date.UTC(2026, 10, 20, 12, 0) });
  });

  it('a fixed time lands on the office\'s clock on a daylight-saving day', () => {
    const c = machineConfig({ presets: [{ reason: 'break', at: '13:00' }] });
    const springMorning = Date.UTC(2026, 2, 29, 7, 0); // 29.03.2026, 09:00 CEST
    expect(awayMenu(springMorning, c)).toEqual([{ reason: 'break', backAt: Date.UTC(2026, 2, 29, 11, 0) }]);
  });
});
