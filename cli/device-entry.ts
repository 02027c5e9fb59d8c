// The entry of the bundled device program (device/dist/okienko-device.mjs): what a Raspberry Pi
// runs under systemd, plain JavaScript with no TypeScript loader in memory.
import { OkienkoError } from '@okienko/protocol/errors';
import { deviceCommand } from './device.ts';
import { helpText, resolveSettings } from './options.ts';
import { VERSION } from './version.ts';

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  process.stdout.write(`${helpText(deviceCommand)}\n`);
  process.exit(0);
}
if (argv.includes('--version')) {
  process.stdout.write(`${VERSION}\n`);
  process.exit(0);
}
try {
  await deviceCommand.run(resolveSettings(deviceCommand, argv, process.env));
} catch (err) {
  if (err instanceof OkienkoError) {
    process.stderr.write(`okienko device: ${err.message}\n(${err.code})\n`);
    process.exit(2);
  }
  throw err;
}
