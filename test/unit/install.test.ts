import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PI_NODE_FLAGS, parseDeviceConfig, systemdWatchdog } from '@okienko/device';
import { loadProfile } from '@okienko/hardware';
import { ROOT } from '../helpers/okienko.ts';

const INSTALL = path.join(ROOT, 'device/install');
const unit = fs.readFileSync(path.join(INSTALL, 'okienko-device.service'), 'utf8');
const setting = (key: string): string[] => unit.split('\n').filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));

afterEach(() => vi.useRealTimers());

describe('the Raspberry Pi install', () => {
  it('the systemd unit runs the bundle as a non-root user with GPIO, serial and I²C, restarts it, and watches it', () => {
    expect(setting('User')).toEqual(['okienko']);
    expect(setting('SupplementaryGroups')[0]!.split(' ').sort()).toEqual(['dialout', 'gpio', 'i2c']);
    expect(setting('Restart')).toEqual(['on-failure']);
    expect(setting('Type')).toEqual(['notify']);
    expect(Number(setting('WatchdogSec')[0])).toBeGreaterThan(0);
    expect(setting('KillSignal')).toEqual(['SIGTERM']);
    // Long enough for the 5 s outbox flush on stop.
    expect(Number(setting('TimeoutStopSec')[0])).toBeGreaterThan(5);
    const exec = setting('ExecStart')[0]!;
    expect(exec).toContain(`/usr/bin/node ${PI_NODE_FLAGS.join(' ')} /opt/okienko/device/dist/okienko-device.mjs`);
    expect(exec).toContain('--config /etc/okienko/device.json');
  });

  it('the install script enables I²C and serial, makes the service user, installs only the device side, and the unit', () => {
    const out = execFileSync('bash', [path.join(INSTALL, 'install-pi.sh'), '--dry-run'], { encoding: 'utf8' });
    for (const step of [
      'raspi-config nonint do_i2c 0',
      'raspi-config nonint do_serial_hw 0',
      'raspi-config nonint do_serial_cons 1',
      'useradd --system',
      'usermod -aG gpio okienko',
      'usermod -aG dialout okienko',
      'npm ci --omit=dev --workspace=@okienko/device --include-workspace-root',
      'node cli/bin.mjs build --target device',
      '/etc/systemd/system/okienko-device.service',
      'systemctl enable --now okienko-device',
    ]) {
      expect(out).toContain(step);
    }
  });

  it('the example config is valid and names a shipped board profile', () => {
    const config = parseDeviceConfig(JSON.parse(fs.readFileSync(path.join(INSTALL, 'device.example.json'), 'utf8')), 'example');
    expect(loadProfile(config.hardware.profile).name).toMatch(/Pi GPIO/);
    expect(config.schedule?.hours.wed).toEqual(['08:00', '17:00']);
  });
});

describe('systemd watchdog', () => {
  it('says ready, pings every half period while alive, and says stopping', () => {
    vi.useFakeTimers();
    const sent: string[] = [];
    const w = systemdWatchdog({ NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '30000000' }, (m) => sent.push(m));
    w.ready();
    vi.advanceTimersByTime(30_000);
    w.stop();
    vi.advanceTimersByTime(30_000);
    expect(sent).toEqual(['READY=1', 'WATCHDOG=1', 'WATCHDOG=1', 'STOPPING=1']);
  });

  it('does nothing outside systemd', () => {
    const sent: string[] = [];
    const w = systemdWatchdog({}, (m) => sent.push(m));
    w.ready();
    w.stop();
    expect(sent).toEqual([]);
  });
});
