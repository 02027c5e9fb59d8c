import { counterTopic, type CounterRef } from '@okienko/protocol/topics';

/**
 * Home Assistant MQTT discovery: an office that already runs Home Assistant sees each counter
 * as a device with its entities at once — status, clerk on duty, the smiley votes as events, and
 * the outbox backlog — read straight from okienko's own topics (no second copy of the data).
 * Announced retained on connect, and again when Home Assistant's birth message says "online".
 */
export interface HomeAssistantOptions {
  prefix: string;
}

export function discoveryMessages(ref: CounterRef, opts: HomeAssistantOptions, info: { version: string; scale: number }): { topic: string; payload: string }[] {
  const id = `okienko_${ref.site}_${ref.counter}`.replace(/-/g, '_');
  const state = counterTopic(ref, 'state');
  const device = {
    identifiers: [id],
    name: `okienko ${ref.site}/${ref.counter}`,
    manufacturer: 'okienko',
    model: 'counter',
    sw_version: info.version,
  };
  const availability = [{ topic: counterTopic(ref, 'availability'), value_template: '{{ value_json.status }}', payload_available: 'online', payload_not_available: 'offline' }];
  const entity = (component: string, key: string, config: Record<string, unknown>) => ({
    topic: `${opts.prefix}/${component}/${id}/${key}/config`,
    payload: JSON.stringify({ unique_id: `${id}_${key}`, object_id: `${id}_${key}`, device, availability, ...config }),
  });
  return [
    entity('sensor', 'status', {
      name: 'Status',
      state_topic: state,
      value_template: '{{ value_json.status }}',
      device_class: 'enum',
      options: ['available', 'serving', 'away', 'closed'],
      icon: 'mdi:traffic-light',
    }),
    entity('sensor', 'clerk', {
      name: 'Clerk on duty',
      state_topic: state,
      value_template: "{{ value_json.clerk.name if value_json.clerk else 'none' }}",
      icon: 'mdi:account-tie',
    }),
    entity('event', 'feedback', {
      name: 'Feedback',
      state_topic: counterTopic(ref, 'event'),
      event_types: Array.from({ length: info.scale }, (_, i) => `face_${i + 1}`),
      // Only votes are events here; Home Assistant ignores the empty output for state changes.
      value_template: "{% if value_json.type == 'feedback' and not value_json.flagged %}{\"event_type\": \"face_{{ value_json.face }}\"}{% endif %}",
      icon: 'mdi:emoticon-outline',
    }),
    entity('sensor', 'outbox', {
      name: 'Unsent events',
      state_topic: state,
      value_template: '{{ value_json.health.outboxPending if value_json.health else 0 }}',
      state_class: 'measurement',
      entity_category: 'diagnostic',
      icon: 'mdi:tray-full',
    }),
  ];
}
