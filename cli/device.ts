import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '@okienko/protocol/errors';
import type { Logger } from 'pino';
import { CounterDevice, deviceLogger, linkOptions, machineConfigFrom, parseDeviceConfig, systemClock, systemdWatchdog, type DeviceConfig } from '@okienko/device';
import { checkHardware, createHardware, loadProfile, type SimulatedHardware } from '@okienko/hardware';
import type { DevicePanel } from './device-panel.ts';
import { logLevel, type Command } from './options.ts';
import { onShutdown } from './shutdown.ts';
import { VERSION } from './version.ts';

/**
 * The panel of a counter on simulated parts. Imported by a name the device bundle leaves alone:
 * a Pi runs real parts and has no web server or dashboard to load (the bundle then says so).
 */
async function openPanel(config: DeviceConfig, sim: SimulatedHardware, log: Logger): Promise<DevicePanel | null> {
  const specifier = './device-panel.ts';
  try {
    const { startDevicePanel } = (await import(specifier)) as typeof import('./device-panel.ts');
    return await startDevicePanel(config, sim);
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'no virtual panel: run the counter with `npx okienko device` in a clone to get one');
    return null;
  }
}

export const deviceCommand: Command = {
  name: 'device',
  summary: 'run one counter from a config file (on a Raspberry Pi, or simulated)',
  settings: {
    config: { flag: 'config', env: 'OKIENKO_DEVICE_CONFIG', schema: z.string({ error: 'a config file is required' }).min(1), help: 'Path of the counter\'s JSON config file (see device/README.md).', fix: 'pass --config /etc/okienko/device.json' },
    check: { flag: 'check', boolean: true, schema: z.boolean().default(false), help: 'Check the wiring instead of running: light each colour, write the display, report each button and badge (60 s; at once on simulated buttons).' },
    logLevel: { flag: 'log-level', env: 'OKIENKO_LOG_LEVEL', default: 'info', schema: logLevel, help: 'Log level.' },
  },
  async run(v) {
    const file = path.resolve(v.config as string);
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError(file, [`cannot read it as JSON: ${(err as Error).message} — check the path and the JSON syntax`]);
    }
    const config = parseDeviceConfig(raw, file);
    // A counter lives in its office's zone: times come from the system's zone data, not Intl (8 MB).
    process.env.TZ = config.timeZone;
    const log = deviceLogger(v.logLevel as string).child({ counter: `${config.site}/${config.counter}` });
    const profile = loadProfile(config.hardware.profile);
    const hardware = await createHardware(profile);
    if (v.check === true) {
      // Simulated buttons are pressed on a panel, and --check serves none: nothing to wait for.
      const simulated = profile.buttons.driver === 'sim';
      await checkHardware(hardware, (line) => process.stdout.write(`${line}\n`), simulated ? { stepMs: 0, listenMs: 0 } : { stepMs: 1500, listenMs: 60_000 });
      await hardware.close();
      process.exit(0);
    }
    const panel = hardware.sim ? await openPanel(config, hardware.sim, log) : null;
    const device = CounterDevice.open(
      {
        ref: { site: config.site, counter: config.counter },
        dataDir: path.resolve(config.dataDir),
        machine: machineConfigFrom(config),
        clerk: config.clerk,
        link: linkOptions(config, file),
        outbox: config.outbox,
        timeZone: config.timeZone,
        version: VERSION,
        tickMs: 250,
        holdMs: config.away.holdMs,
        schedule: config.schedule,
        panelUrl: panel?.url,
      },
      hardware,
      systemClock(config.clock.assumeSynced),
      log,
    );
    // A refused login needs a person: say it where they look, not only in the log.
    device.link.on('login_refused', (err) => process.stderr.write(`okienko device: ${err.message}\n(${err.code})\n`));
    panel?.attach(device);
    await device.start();
    const watchdog = systemdWatchdog();
    watchdog.ready();
    onShutdown(log, [async () => panel?.close(), hardware.close, () => device.stop(), async () => watchdog.stop()]);
    process.stdout.write(`okienko device ${config.site}/${config.counter} → ${config.mqtt.url}${panel ? `; panel at ${panel.url}` : ''}\n`);
  },
};
