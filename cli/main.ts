import { OkienkoError } from '@okienko/protocol/errors';
import { helpText, resolveSettings, type Command } from './options.ts';
import { VERSION } from './version.ts';

// Each subcommand is loaded only when used, so a Raspberry Pi running `okienko device` never
// loads (or needs installed) the bridge, the database or the dashboard build tools.
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  start: { summary: 'the whole system on embedded defaults (what `npm start` runs)', load: async () => (await import('./start.ts')).startCommand },
  device: { summary: 'run one counter from a config file', load: async () => (await import('./device.ts')).deviceCommand },
  bridge: { summary: 'the bridge alone, against an external broker', load: async () => (await import('./bridge.ts')).bridgeCommand },
  sim: { summary: 'simulated counters with virtual panels, against any broker', load: async () => (await import('./sim.ts')).simCommand },
  provision: { summary: 'counter and bridge credentials; Mosquitto password and ACL files', load: async () => (await import('./provision.ts')).provisionCommand },
  user: { summary: 'dashboard users: the first admin, a new password', load: async () => (await import('./user.ts')).userCommand },
  broker: { summary: 'the embedded MQTT broker alone', load: async () => (await import('./broker.ts')).brokerCommand },
  build: { summary: 'build the dashboard and the JSON Schemas', load: async () => (await import('./build.ts')).buildCommand },
  bench: { summary: 'run the benchmarks and write bench/results/latest.json', load: async () => (await import('./bench.ts')).benchCommand },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  return [
    `okienko ${VERSION} — counter lights, away notices and feedback for municipal offices`,
    '',
    'Usage: okienko <command> [options]   (okienko <command> --help for its options)',
    '',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name ? 0 : 1;
  }
  if (name === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    process.stderr.write(`okienko: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${helpText(command)}\n`);
    return 0;
  }
  try {
    await command.run(resolveSettings(command, rest, process.env));
    return -1; // keeps running until a signal
  } catch (err) {
    if (err instanceof OkienkoError) {
      process.stderr.write(`okienko ${name}: ${err.message}\n(${err.code})\n`);
      return 2;
    }
    const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
    if (e.code === 'EADDRINUSE' || e.code === 'EACCES') {
      const what = e.code === 'EADDRINUSE' ? 'is already in use (another program, or another okienko?)' : 'may not be opened by this user';
      process.stderr.write(
        `okienko ${name}: ${e.address ?? ''}:${e.port ?? ''} ${what} — stop the other program or choose another port (see okienko ${name} --help)\n`,
      );
      return 2;
    }
    if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`okienko ${name}: ${err.message}\n\n${helpText(command)}\n`);
      return 2;
    }
    throw err;
  }
}

const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code);
