import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { PasswordFile, counterUsername, startEmbeddedBroker, type EmbeddedBroker } from '@okienko/broker-bridge';
import { CounterDevice, counterDeviceOptions, machineConfig, type Clock } from '@okienko/device';
import { SimulatedHardware } from '@okienko/hardware';
import { waitFor } from '../helpers/net.ts';

// Issue 19, defect 4: "meanwhile go to: Katarzyna Kamińska" — on Katarzyna's own notice. Two
// real counter runtimes on a broker with logins and the production rules: each hears who is
// signed in at the other, and a notice names someone who is there, again and again.

const T0 = Date.UTC(2026, 10, 20, 9, 0);
const log = pino({ level: 'silent' });
const kasia = { id: 'k5', name: 'Katarzyna Kamińska' };
const jan = { id: 'k2', name: 'Jan Kowalski' };
const roster = { B5: kasia, B2: jan };
let broker: EmbeddedBroker;
const devices: CounterDevice[] = [];
let now = T0;
const clock: Clock = { now: () => now, synced: () => true };

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-sub-'));
  const passwd = new PasswordFile(path.join(dir, 'passwd'));
  const secrets = passwd.setMany(['ratusz/okienko-1', 'ratusz/okienko-2']);
  broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, log, passwordFile: passwd.file });
  const url = `mqtt://127.0.0.1:${broker.port}`;
  // okienko-1's configured substitute is Katarzyna (she usually sits at okienko-2).
  const specs = [
    { counter: 'okienko-1', clerk: null, substitute: { name: kasia.name, where: 'stanowisko 2' } },
    { counter: 'okienko-2', clerk: jan, substitute: null },
  ];
  for (const spec of specs) {
    const ref = { site: 'ratusz', counter: spec.counter };
    const device = new CounterDevice(
      counterDeviceOptions(
        { ref, dataDir: path.join(dir, spec.counter), url },
        {
          machine: machineConfig({ roster, substitute: spec.substitute }),
          clerk: spec.clerk,
          tickMs: 3_600_000,
          link: { presence: true, username: counterUsername(ref), password: secrets.get(counterUsername(ref))! },
        },
      ),
      new SimulatedHardware(),
      clock,
      log,
    );
    devices.push(device);
    await device.start();
  }
});
afterAll(async () => {
  await Promise.all(devices.map((d) => d.stop()));
  await broker?.close();
});

async function leave(device: CounterDevice): Promise<void> {
  await device.input({ type: 'press', button: 'away' });
  now += 4000;
  await device.input({ type: 'tick' });
  expect(device.machineState.status).toBe('away');
}
const heard = (device: CounterDevice, what: string, check: (p: NonNullable<CounterDevice['presence']>) => boolean) =>
  waitFor(() => device.presence !== null && check(device.presence), { what });

describe('the substitute an away notice names', () => {
  it('is someone signed in at another counter of the site, never the clerk who leaves', async () => {
    const [one, two] = devices as [CounterDevice, CounterDevice];
    await heard(one, 'okienko-1 hearing Jan at okienko-2', (p) => p.some((c) => c.clerk.id === 'k2' && c.status === 'available'));

    // Katarzyna signs in at okienko-1 and steps away: not herself, but Jan, where he is.
    await one.input({ type: 'badge', badgeId: 'B5' });
    await leave(one);
    expect(one.machineState.notice).toMatchObject({ signedBy: kasia, substitute: { name: 'Jan Kowalski', where: 'stanowisko 2' } });

    // She comes back; Jan steps away: his notice names Katarzyna at okienko-1.
    now += 60_000;
    await one.input({ type: 'press', button: 'clerk' });
    await heard(two, 'okienko-2 hearing Katarzyna back at okienko-1', (p) => p.some((c) => c.clerk.id === 'k5' && c.status === 'available'));
    await leave(two);
    expect(two.machineState.notice).toMatchObject({ signedBy: jan, substitute: { name: kasia.name, where: 'stanowisko 1' } });

    // The second time for Katarzyna, with Jan away: nobody is there, so nobody is named — not
    // her configured substitute (herself), nor Jan who is away.
    await heard(one, 'okienko-1 hearing Jan away', (p) => p.some((c) => c.clerk.id === 'k2' && c.status === 'away'));
    now += 60_000;
    await leave(one);
    expect(one.machineState.notice).toMatchObject({ signedBy: kasia, substitute: null });

    // Jan back: her next notice names him again.
    now += 60_000;
    await two.input({ type: 'press', button: 'clerk' });
    await one.input({ type: 'press', button: 'clerk' });
    await heard(one, 'okienko-1 hearing Jan back', (p) => p.some((c) => c.clerk.id === 'k2' && c.status === 'available'));
    await leave(one);
    expect(one.machineState.notice?.substitute).toEqual({ name: 'Jan Kowalski', where: 'stanowisko 2' });
  });
});
