import { counterTopic, type CounterRef } from '@okienko/protocol/topics';

/**
 * Home Assistant MQTT discovery: an office that already runs Home Assistant sees each counter
 * as a device with its entities at once — status, clerk on duty, the smiley votes as events, and
 * the outbox backlog — read straight from okienko's own topics (no second copy of the data).
 *
 * One retained device-based discovery message per counter (`<prefix>/device/<id>/config`, its
 * entities under `cmps`), as Home Assistant's MQTT integration reads it since 2024.11
 * (homeassistant/components/mqtt/discovery.py, schemas.py: `dev`, `o` with a name, and `cmps`
 * whose entries each have a `p`latform and a `unique_id`). Each entity suggests its entity id
 * with `default_entity_id` ("sensor.<id>_status"): `object_id` was deprecated in 2025.10 and
 * stops working in 2026.4. Announced on connect, and again when Home Assistant's birth message
 * says "online".
 *
 * Counters before this announced one message per entity (`<prefix>/<component>/<id>/<key>/config`).
 * The component keys of `cmps` are those old keys, so Home Assistant's migration keeps each
 * entity's id and history: `{"migrate_discovery": true}` on an old topic, the device message,
 * then an empty retained message on the old topic so it is forgotten (link.ts does it once,
 * when the broker still holds an old config).
 */
export interface HomeAssistantOptions {
  prefix: string;
}

/** The counter's id in Home Assistant's topics and unique ids: `okienko_<site>_<counter>`, `-` as `_`. */
export function discoveryId(ref: CounterRef): string {
  return `okienko_${ref.site}_${ref.counter}`.replace(/-/g, '_');
}

/** What Home Assistant reads from an old topic to begin moving its entity to the device message. */
export const MIGRATE_DISCOVERY = JSON.stringify({ migrate_discovery: true });

type Component = { key: string; platform: 'sensor' | 'event'; config: Record<string, unknown> };

function components(ref: CounterRef, scale: number): Component[] {
  const state = counterTopic(ref, 'state');
  return [
    {
      key: 'status',
      platform: 'sensor',
      config: {
        name: 'Status',
        state_topic: state,
        value_template: '{{ value_json.status }}',
        device_class: 'enum',
        options: ['available', 'serving', 'away', 'closed'],
        icon: 'mdi:traffic-light',
      },
    },
    {
      key: 'clerk',
      platform: 'sensor',
      config: {
        name: 'Clerk on duty',
        state_topic: state,
        value_template: "{{ value_json.clerk.name if value_json.clerk else 'none' }}",
        icon: 'mdi:account-tie',
      },
    },
    {
      key: 'feedback',
      platform: 'event',
      config: {
        name: 'Feedback',
        state_topic: counterTopic(ref, 'event'),
        event_types: Array.from({ length: scale }, (_, i) => `face_${i + 1}`),
        // Only votes are events here; Home Assistant ignores the empty output for state changes.
        value_template: "{% if value_json.type == 'feedback' and not value_json.flagged %}{\"event_type\": \"face_{{ value_json.face }}\"}{% endif %}",
        icon: 'mdi:emoticon-outline',
      },
    },
    {
      key: 'outbox',
      platform: 'sensor',
      config: {
        name: 'Unsent events',
        state_topic: state,
        value_template: '{{ value_json.health.outboxPending if value_json.health else 0 }}',
        state_class: 'measurement',
        entity_category: 'diagnostic',
        icon: 'mdi:tray-full',
      },
    },
  ];
}

/** The one retained device discovery message of this counter. */
export function discoveryMessage(ref: CounterRef, opts: HomeAssistantOptions, info: { version: string; scale: number }): { topic: string; payload: string } {
  const id = discoveryId(ref);
  const cmps = Object.fromEntries(
    components(ref, info.scale).map((c) => [c.key, { p: c.platform, unique_id: `${id}_${c.key}`, default_entity_id: `${c.platform}.${id}_${c.key}`, ...c.config }]),
  );
  return {
    topic: `${opts.prefix}/device/${id}/config`,
    payload: JSON.stringify({
      dev: { identifiers: [id], name: `okienko ${ref.site}/${ref.counter}`, manufacturer: 'okienko', model: 'counter', sw_version: info.version },
      o: { name: 'okienko', sw_version: info.version },
      // Shared by every entity of the device.
      availability: [{ topic: counterTopic(ref, 'availability'), value_template: '{{ value_json.status }}', payload_available: 'online', payload_not_available: 'offline' }],
      qos: 1,
      cmps,
    }),
  };
}

/** The topics earlier counters announced each entity on, one per entity (to migrate and clear). */
export function legacyDiscoveryTopics(ref: CounterRef, opts: HomeAssistantOptions): string[] {
  const id = discoveryId(ref);
  return components(ref, 4).map((c) => `${opts.prefix}/${c.platform}/${id}/${c.key}/config`);
}
