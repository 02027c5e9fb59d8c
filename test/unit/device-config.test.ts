import { describe, expect, it } from 'vitest';
import { ConfigError } from '@okienko/protocol/errors';
import { machineConfigFrom, parseDeviceConfig } from '@okienko/device';

// Issue 19, defect 10: config mistakes that slipped through, and errors in zod's raw wording.

const base = { site: 'ratusz', counter: 'okienko-1' };

/** The problems a config is refused with (it must be refused). */
function problems(input: unknown): string[] {
  try {
    parseDeviceConfig(input, 'device.json');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('the config was accepted');
}

describe('the device config file', () => {
  it('refuses an unknown key at every level, naming it and the closest known one', () => {
    expect(problems({ ...base, mqtt: { url: 'mqtt://b:1883', username: 'u', pasword: 'x' } })).toEqual([
      expect.stringMatching(/^mqtt\.pasword: unknown key — did you mean "password"\? \(known here: url, username, password, /),
    ]);
    const many = problems({ ...base, sitee: 1, feedback: { scael: 4 }, away: { comitMs: 1 }, outbox: { fsynk: 'never' }, clock: { synced: true }, panel: { prot: 1 }, roster: { B1: { id: 'k1', name: 'A', substitue: null } } });
    expect(many).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^sitee: unknown key — did you mean "site"\?/),
        expect.stringMatching(/^feedback\.scael: unknown key — did you mean "scale"\?/),
        expect.stringMatching(/^away\.comitMs: unknown key — did you mean "commitMs"\?/),
        expect.stringMatching(/^outbox\.fsynk: unknown key — did you mean "fsync"\?/),
        expect.stringMatching(/^clock\.synced: unknown key — did you mean "assumeSynced"\?|^clock\.synced: unknown key — remove it/),
        expect.stringMatching(/^panel\.prot: unknown key — did you mean "port"\?/),
        expect.stringMatching(/^roster\.B1\.substitue: unknown key — did you mean "substitute"\?/),
      ]),
    );
    expect(many).toHaveLength(7);
  });

  it('takes hours for some days only: a day left out is closed', () => {
    const c = parseDeviceConfig({ ...base, schedule: { hours: { mon: ['08:00', '16:00'] } } }, 'device.json');
    expect(c.schedule?.hours).toEqual({ mon: ['08:00', '16:00'], tue: null, wed: null, thu: null, fri: null, sat: null, sun: null });
  });

  it('names the path and a fix for every error, not zod\'s raw wording', () => {
    const out = problems({
      ...base,
      roster: { '0A00000001': { name: 'Anna Nowak' } },
      schedule: { hours: { tue: 'all day' } },
      mqtt: { protocolVersion: 3, keepaliveS: 0 },
      feedback: { scale: 'four' },
      away: { presets: [{ reason: 'lunch', at: '13:00' }, { reason: 'short' }] },
    });
    for (const p of out) {
      expect(p).not.toMatch(/received undefined|Invalid input/);
      expect(p).toMatch(/^[\w.]+: .+ — .+/); // path: what — fix
    }
    expect(out).toEqual(
      expect.arrayContaining([
        'roster.0A00000001.id: is missing — give the clerk\'s id, as the office knows them, e.g. "k1"',
        expect.stringMatching(/^schedule\.hours\.tue: .* — use \["08:00", "16:00"\], or null/),
        'mqtt.protocolVersion: is not one of the allowed values — use 4 (MQTT 3.1.1, any broker) or 5',
        'mqtt.keepaliveS: is too small — use a value of at least 1',
        'feedback.scale: expected a number, got a text in quotes — use 3, 4 or 5 faces',
        expect.stringMatching(/^away\.presets\.0\.reason: .* — use "short", "break", "errand" or "end_of_day"$/),
        'away.presets.1.minutes: needs one of "minutes" and "at" — give "minutes": 15 or "at": "13:00"',
      ]),
    );
  });

  it('takes away presets with a fixed return time', () => {
    const c = parseDeviceConfig({ ...base, away: { presets: [{ reason: 'break', at: '13:00' }, { reason: 'short', minutes: 5 }, { reason: 'end_of_day' }] } }, 'device.json');
    expect(machineConfigFrom(c).presets).toEqual([{ reason: 'break', at: '13:00' }, { reason: 'short', minutes: 5 }, { reason: 'end_of_day', minutes: null }]);
  });
});
