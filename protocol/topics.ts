import { isValidId } from './ids.ts';

export const PROTOCOL_VERSION = 1;
export const TOPIC_ROOT = 'okienko/v1';

/** What each per-counter topic carries. */
export const TOPIC_KINDS = ['state', 'event', 'availability', 'command', 'notice'] as const;
export type TopicKind = (typeof TOPIC_KINDS)[number];

export interface CounterRef {
  site: string;
  counter: string;
}

export function counterTopic(ref: CounterRef, kind: TopicKind): string {
  if (!isValidId(ref.site) || !isValidId(ref.counter)) {
    throw new Error(`invalid counter reference ${ref.site}/${ref.counter}`);
  }
  return `${TOPIC_ROOT}/${ref.site}/${ref.counter}/${kind}`;
}

/**
 * The retained state and availability of every counter of a site: what a counter listens to so
 * its away notice names a colleague who is there (device/presence.ts).
 */
export function sitePeerFilters(site: string): [string, string] {
  if (!isValidId(site)) throw new Error(`invalid site ${site}`);
  return [`${TOPIC_ROOT}/${site}/+/state`, `${TOPIC_ROOT}/${site}/+/availability`];
}

/** Everything under the protocol root; the bridge listens here so unknown topics are seen and counted. */
export const ALL_TOPICS = `${TOPIC_ROOT}/#`;

export type ParsedTopic =
  | { ok: true; site: string; counter: string; kind: TopicKind }
  | { ok: false; reason: 'unknown_topic'; detail: string };

export function parseTopic(topic: string): ParsedTopic {
  const parts = topic.split('/');
  if (parts.length !== 5 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT) {
    return { ok: false, reason: 'unknown_topic', detail: `not ${TOPIC_ROOT}/<site>/<counter>/<kind>` };
  }
  const [, , site, counter, kind] = parts as [string, string, string, string, string];
  if (!isValidId(site) || !isValidId(counter)) {
    return { ok: false, reason: 'unknown_topic', detail: 'site or counter id is not valid' };
  }
  if (!(TOPIC_KINDS as readonly string[]).includes(kind)) {
    return { ok: false, reason: 'unknown_topic', detail: `unknown kind "${kind}"` };
  }
  return { ok: true, site, counter, kind: kind as TopicKind };
}
