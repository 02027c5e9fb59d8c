import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError } from '@okienko/protocol/errors';

/** One setting of a subcommand: a flag, the environment variable behind it, a default and a fix hint. */
export interface Setting {
  flag: string;
  env?: string;
  help: string;
  schema: z.ZodType;
  default?: string;
  fix?: string;
  /** A switch (`--check`), true when given; it has no environment variable. */
  boolean?: true;
}

export interface Command {
  name: string;
  summary: string;
  settings: Record<string, Setting>;
  run(values: Record<string, unknown>): Promise<void>;
}

export function helpText(cmd: Command): string {
  const lines = [`okienko ${cmd.name} — ${cmd.summary}`, '', 'Options:'];
  for (const s of Object.values(cmd.settings)) {
    const env = s.env ? ` (env ${s.env})` : '';
    const def = s.default !== undefined ? ` [default: ${s.default}]` : '';
    lines.push(`  --${s.flag}${env}${def}`, `      ${s.help}`);
  }
  lines.push('  --help', '      Show this help.');
  return lines.join('\n');
}

/**
 * Flags win over environment variables, which win over defaults. Every bad value is reported at
 * once, naming the flag and the variable, with a fix.
 */
export function resolveSettings(cmd: Command, argv: string[], env: NodeJS.ProcessEnv): Record<string, unknown> {
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(Object.values(cmd.settings).map((s) => [s.flag, { type: s.boolean ? ('boolean' as const) : ('string' as const) }])),
    strict: true,
    allowPositionals: false,
  });
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, s] of Object.entries(cmd.settings)) {
    const raw = (values as Record<string, string | boolean | undefined>)[s.flag] ?? (s.env ? env[s.env] : undefined) ?? s.default;
    const parsed = s.schema.safeParse(raw);
    if (parsed.success) out[key] = parsed.data;
    else {
      const where = `--${s.flag}${s.env ? ` / ${s.env}` : ''}`;
      problems.push(`${where}: ${parsed.error.issues[0]?.message ?? 'invalid'} (got ${JSON.stringify(raw)})${s.fix ? ` — ${s.fix}` : ''}`);
    }
  }
  if (problems.length) throw new ConfigError(`okienko ${cmd.name} settings`, problems);
  return out;
}

export const port = z.coerce.number().int().min(0).max(65535);
export const positiveInt = z.coerce.number().int().positive();
export const host = z.string().min(1);
export const mqttUrl = z.string().regex(/^(mqtts?|wss?|tcp):\/\//, 'must start with mqtt://, mqtts://, ws:// or wss://');
export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
export const optionalString = z.string().optional();

/** How a client finds and logs in to the broker; the password is best given in the environment. */
export function mqttClientSettings(role: string): Record<string, Setting> {
  return {
    mqttUrl: { flag: 'mqtt-url', env: 'OKIENKO_MQTT_URL', default: 'mqtt://127.0.0.1:1883', schema: mqttUrl, help: `Broker the ${role} connects to.` },
    username: { flag: 'mqtt-username', env: 'OKIENKO_MQTT_USERNAME', schema: optionalString, help: `MQTT username of the ${role}.` },
    password: { flag: 'mqtt-password', env: 'OKIENKO_MQTT_PASSWORD', schema: optionalString, help: 'MQTT password (prefer the environment or a file to a flag: flags show in ps).' },
    passwordFile: { flag: 'mqtt-password-file', env: 'OKIENKO_MQTT_PASSWORD_FILE', schema: optionalString, help: 'Read the MQTT password from this file (e.g. a systemd credential).' },
    caFile: { flag: 'mqtt-ca-file', env: 'OKIENKO_MQTT_CA_FILE', schema: optionalString, help: 'For mqtts://: the certificate (PEM) of the CA that signed the broker\'s, when it is not a public one.' },
    protocolVersion: { flag: 'mqtt-version', env: 'OKIENKO_MQTT_VERSION', default: '4', schema: z.enum(['4', '5']).transform(Number), help: 'MQTT protocol: 4 (3.1.1, any broker) or 5.' },
  };
}

/** The CA certificate from --mqtt-ca-file, read now so a wrong path stops the start with its fix. */
export function mqttCa(v: Record<string, unknown>): Buffer | undefined {
  if (typeof v.caFile !== 'string') return undefined;
  try {
    return fs.readFileSync(v.caFile);
  } catch (err) {
    throw new ConfigError('--mqtt-ca-file / OKIENKO_MQTT_CA_FILE', [`cannot read ${v.caFile}: ${(err as Error).message} — give the path of the CA certificate (PEM)`]);
  }
}

/** The password from --mqtt-password-file when given, else --mqtt-password / the environment. */
export function mqttPassword(v: Record<string, unknown>): string | undefined {
  if (typeof v.passwordFile === 'string') {
    try {
      return fs.readFileSync(v.passwordFile, 'utf8').trim();
    } catch (err) {
      throw new ConfigError('--mqtt-password-file / OKIENKO_MQTT_PASSWORD_FILE', [`cannot read ${v.passwordFile}: ${(err as Error).message} — check the path and that this user may read it`]);
    }
  }
  return v.password as string | undefined;
}
