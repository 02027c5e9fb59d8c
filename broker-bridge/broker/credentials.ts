import { pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { counterTopic, isValidId, sitePeerFilters, TOPIC_ROOT, type CounterRef, type TopicKind } from '@okienko/protocol';

/**
 * Counter credentials. A secret is 128 random bits (22 base64url characters), shown once and
 * stored only as a hash, in Mosquitto's own password-file format (`$7$` = PBKDF2-SHA512), so the
 * one file serves the embedded broker and a Mosquitto alike.
 *
 * Why 1,000 PBKDF2 iterations, not a password-grade 600,000: a slow hash protects secrets people
 * choose. These are 128-bit random numbers: nobody can guess one, however fast the hash. What
 * the cost does buy is CPU time on every connect, and after a broker restart 10,000 counters
 * reconnect at once: at 1,000 iterations a check costs about 0.75 ms on this project's 2-core
 * machines (bench: "reconnect storm"), so the whole storm costs about 7.5 s of one core — well
 * inside the two minutes it may take. Mosquitto's own default is 101 iterations.
 */
export const HASH_ITERATIONS = 1000;
export const BRIDGE_USER = 'okienko-bridge';

/**
 * A bridge instance's username: `okienko-bridge`, or `okienko-bridge-<name>` for each further
 * instance sharing the stream. Each needs its own: with use_username_as_clientid, two
 * connections of one user are one client id, and the second would take the first's session over.
 */
export function bridgeUsername(name?: string): string {
  if (name === undefined) return BRIDGE_USER;
  if (!isValidId(name)) throw new Error(`invalid bridge name ${name}`);
  return `${BRIDGE_USER}-${name}`;
}

/** A counter's broker username: "<site>/<counter>", which its topics contain verbatim. */
export function counterUsername(ref: CounterRef): string {
  return `${ref.site}/${ref.counter}`;
}

export function newSecret(): string {
  return randomBytes(16).toString('base64url');
}

export function hashSecret(secret: string, iterations = HASH_ITERATIONS): string {
  const salt = randomBytes(12);
  const hash = pbkdf2Sync(secret, salt, iterations, 64, 'sha512');
  return `$7$${iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export function verifySecret(secret: string, stored: string): boolean {
  const m = /^\$7\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!m) return false;
  const expected = Buffer.from(m[3]!, 'base64');
  const actual = pbkdf2Sync(secret, Buffer.from(m[2]!, 'base64'), Number(m[1]), expected.length, 'sha512');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** The password file: "username:hash" lines, as mosquitto_passwd writes them. */
export class PasswordFile {
  constructor(readonly file: string) {}

  read(): Map<string, string> {
    const entries = new Map<string, string>();
    if (!fs.existsSync(this.file)) return entries;
    for (const line of fs.readFileSync(this.file, 'utf8').split('\n')) {
      const i = line.lastIndexOf(':$');
      if (i > 0) entries.set(line.slice(0, i), line.slice(i + 1));
    }
    return entries;
  }

  /** Create or replace a user's secret; returns the new secret (the only time it is seen). */
  set(username: string): string {
    return this.setMany([username]).get(username)!;
  }

  /** Several at once, in one write of the file (the demo's fleet: thousands of counters). */
  setMany(usernames: readonly string[]): Map<string, string> {
    const secrets = new Map(usernames.map((u) => [u, newSecret()]));
    const entries = this.read();
    for (const [u, secret] of secrets) entries.set(u, hashSecret(secret));
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    // Whole or not at all: the broker may read it at any moment.
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, [...entries].map(([u, h]) => `${u}:${h}\n`).join(''), { mode: 0o640 });
    fs.renameSync(tmp, this.file);
    return secrets;
  }
}

/** Who a username is: the bridge, a counter, or nobody we know. Ids with MQTT syntax are nobody. */
export function principal(username: string | undefined): { kind: 'bridge' } | { kind: 'counter'; ref: CounterRef } | null {
  if (!username) return null;
  if (username === BRIDGE_USER || (username.startsWith(`${BRIDGE_USER}-`) && isValidId(username.slice(BRIDGE_USER.length + 1)))) return { kind: 'bridge' };
  const parts = username.split('/');
  if (parts.length !== 2 || !isValidId(parts[0]!) || !isValidId(parts[1]!)) return null;
  return { kind: 'counter', ref: { site: parts[0]!, counter: parts[1]! } };
}

/**
 * The access rules, one place for both brokers: a counter publishes only its own state, events
 * and availability (its last will included) and reads only its own commands and notices, and its
 * own site's counters' retained state and availability (who is there); the bridge reads
 * everything under the protocol root and writes only commands.
 */
export function mayPublish(username: string | undefined, topic: string): boolean {
  const who = principal(username);
  if (!who) return false;
  if (who.kind === 'bridge') return /^okienko\/v1\/[^/+#]+\/[^/+#]+\/(command|notice)$/.test(topic);
  return (['state', 'event', 'availability'] as const).some((k) => topic === counterTopic(who.ref, k)) || isOwnDiscoveryTopic(who.ref, topic);
}

export function maySubscribe(username: string | undefined, filter: string): boolean {
  const who = principal(username);
  if (!who) return false;
  if (who.kind === 'bridge') return filter === `${TOPIC_ROOT}/#` || filter.startsWith(`${TOPIC_ROOT}/`);
  // Its own site's counters' retained state and availability: who is there, for its away notices.
  return (
    filter === counterTopic(who.ref, 'command') ||
    filter === counterTopic(who.ref, 'notice') ||
    filter === `${HA_PREFIX}/status` ||
    sitePeerFilters(who.ref.site).includes(filter) ||
    isOwnLegacyDiscoveryTopic(who.ref, filter)
  );
}

/**
 * Home Assistant discovery (device/home-assistant.ts): a counter announces itself with one
 * device message, "homeassistant/device/okienko_<site>_<counter>/config", and hears HA's birth
 * message. Its old per-entity topics, "homeassistant/<component>/okienko_<site>_<counter>/<key>/config",
 * it may still write (to move them to the device message and empty them) and read (to find them).
 */
const HA_PREFIX = 'homeassistant';
const haId = (ref: CounterRef): string => `okienko_${ref.site}_${ref.counter}`.replace(/-/g, '_');
function isOwnDiscoveryTopic(ref: CounterRef, topic: string): boolean {
  return topic === `${HA_PREFIX}/device/${haId(ref)}/config` || isOwnLegacyDiscoveryTopic(ref, topic);
}
function isOwnLegacyDiscoveryTopic(ref: CounterRef, topic: string): boolean {
  const parts = topic.split('/');
  return parts.length === 5 && parts[0] === HA_PREFIX && /^[a-z_]+$/.test(parts[1]!) && parts[2] === haId(ref) && /^[a-z_]+$/.test(parts[3]!) && parts[4] === 'config';
}

/** A Mosquitto ACL file with the same rules, one block per user. */
export function mosquittoAcl(usernames: Iterable<string>): string {
  const blocks: string[] = ['# Written by `okienko provision --mosquitto`: the same rules the embedded broker enforces.'];
  for (const u of usernames) {
    const who = principal(u);
    if (!who) continue;
    if (who.kind === 'bridge') {
      blocks.push(`user ${u}\ntopic read ${TOPIC_ROOT}/#\ntopic write ${TOPIC_ROOT}/+/+/command\ntopic write ${TOPIC_ROOT}/+/+/notice`);
    } else {
      const t = (k: TopicKind) => counterTopic(who.ref, k);
      const id = haId(who.ref);
      blocks.push(
        `user ${u}\ntopic write ${t('state')}\ntopic write ${t('event')}\ntopic write ${t('availability')}\ntopic read ${t('command')}\ntopic read ${t('notice')}\n${sitePeerFilters(who.ref.site).map((f) => `topic read ${f}`).join('\n')}\ntopic write ${HA_PREFIX}/device/${id}/config\ntopic readwrite ${HA_PREFIX}/+/${id}/+/config\ntopic read ${HA_PREFIX}/status`,
      );
    }
  }
  return `${blocks.join('\n\n')}\n`;
}
