import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { PasswordFile, counterUsername, startEmbeddedBroker, type EmbeddedBroker } from '@okienko/broker-bridge';
import { CounterDevice, counterDeviceOptions, systemClock } from '@okienko/device';
import { SimulatedHardware } from '@okienko/hardware';
import { ERROR_CODES, type OkienkoError } from '@okienko/protocol/errors';
import { waitFor } from '../helpers/net.ts';

// Issue 19, defect 10: a counter whose login the broker refuses said nothing and retried for ever.

const REF = { site: 'ratusz', counter: 'okienko-1' };
const log = pino({ level: 'silent' });
let broker: EmbeddedBroker | null = null;
let device: CounterDevice | null = null;
afterEach(async () => {
  await device?.stop();
  await broker?.close();
  device = broker = null;
});

describe('a refused broker login', () => {
  it('is said at once, with its code and the fix, on the log and the display; a put-right secret then connects', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-login-'));
    const passwords = new PasswordFile(path.join(dir, 'passwd'));
    const secret = passwords.set(counterUsername(REF));
    broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, log, passwordFile: passwords.file });
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const lines: { level: number; code?: string; msg: string }[] = [];
    const recording = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) });
    const hw = new SimulatedHardware({ cols: 32, rows: 6 });
    device = CounterDevice.open(
      counterDeviceOptions(
        { ref: REF, dataDir: path.join(dir, 'device'), url },
        { clerk: { id: 'k1', name: 'Anna Nowak' }, link: { username: counterUsername(REF), password: 'pasword-typo', reconnectMinMs: 50, reconnectMaxMs: 200 } },
      ),
      hw,
      systemClock(true),
      recording,
    );
    const refused = once(device.link, 'login_refused') as Promise<[OkienkoError]>;
    let attempts = 0;
    device.link.on('down', () => void attempts++);
    await device.start();
    const [err] = await refused;
    expect(err.code).toBe(ERROR_CODES.BROKER_LOGIN_REFUSED);
    expect(err.message).toContain('username "ratusz/okienko-1"');
    expect(err.message).toMatch(/— set mqtt\.username and mqtt\.password/);
    expect(lines.filter((l) => l.code === 'OKIENKO_BROKER_LOGIN_REFUSED' && l.level >= 50)).toHaveLength(1);
    // The page after the counter's own says why (pages turn every 4 s). Retries later (the back-off
    // is short here) it has still said so once, not once a retry.
    await waitFor(() => hw.snapshot().lines.join('\n').includes('Odmowa logowania'), { what: 'the display saying the login was refused', timeoutMs: 10_000 });
    await waitFor(() => attempts >= 4, { what: 'four refused attempts' });
    expect(lines.filter((l) => l.code === 'OKIENKO_BROKER_LOGIN_REFUSED')).toHaveLength(1);
    expect(device.link.loginRefused?.code).toBe(ERROR_CODES.BROKER_LOGIN_REFUSED);
    await device.stop();

    // The same counter with the provisioned secret logs in, and the refusal is gone.
    device = CounterDevice.open(
      counterDeviceOptions(
        { ref: REF, dataDir: path.join(dir, 'device'), url },
        { clerk: { id: 'k1', name: 'Anna Nowak' }, link: { username: counterUsername(REF), password: secret, reconnectMinMs: 50, reconnectMaxMs: 200 } },
      ),
      hw,
      systemClock(true),
      log,
    );
    const up = once(device.link, 'up');
    await device.start();
    await up;
    expect(device.link.loginRefused).toBeNull();
  });
});
