import client from 'prom-client';
import type { Ingest } from '../ingest/ingest.ts';
import type { LiveHub } from '../live/hub.ts';

/**
 * Prometheus metrics (`GET /metrics`), read from the bridge's own counters at scrape time, so
 * the hot path does no extra work for them. Each bridge has its own registry.
 */
export function bridgeMetrics(ingest: Ingest, hub: LiveHub, mqttConnected: () => boolean): client.Registry {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'okienko_bridge_' });
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc === 'function') {
    // Only under node --expose-gc (the soak bench): a full collection per scrape, so the figure
    // is what is live — a leak — not garbage not yet collected.
    new client.Gauge({
      name: 'okienko_bridge_heap_after_gc_bytes',
      help: 'JS heap in use after a full garbage collection (only with node --expose-gc).',
      registers: [registry],
      collect() {
        gc();
        this.set(process.memoryUsage().heapUsed);
      },
    });
  }
  new client.Gauge({
    name: 'okienko_events_stored_total',
    help: 'Events stored since the bridge started (each once).',
    registers: [registry],
    collect() {
      this.set(ingest.stored);
    },
  });
  new client.Gauge({
    name: 'okienko_events_duplicate_total',
    help: 'Events delivered again and absorbed (already stored).',
    registers: [registry],
    collect() {
      this.set(ingest.duplicates);
    },
  });
  new client.Gauge({
    name: 'okienko_events_missing_total',
    help: 'Event sequence numbers found missing from counters.',
    registers: [registry],
    collect() {
      this.set(ingest.gaps);
    },
  });
  new client.Gauge({
    name: 'okienko_messages_rejected_total',
    help: 'Messages rejected, by reason.',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      for (const [reason, n] of Object.entries(ingest.rejected)) this.set({ reason }, n);
    },
  });
  new client.Gauge({
    name: 'okienko_mqtt_connected',
    help: '1 while the bridge is connected to the broker.',
    registers: [registry],
    collect() {
      this.set(mqttConnected() ? 1 : 0);
    },
  });
  new client.Gauge({
    name: 'okienko_counters',
    help: 'Counters known to the bridge, by what residents see.',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const counts: Record<string, number> = { available: 0, serving: 0, away: 0, closed: 0, offline: 0 };
      for (const c of await hub.snapshot()) counts[c.status] = (counts[c.status] ?? 0) + 1;
      for (const [status, n] of Object.entries(counts)) this.set({ status }, n);
    },
  });
  new client.Gauge({
    name: 'okienko_live_dashboards',
    help: 'Dashboards following the live stream.',
    registers: [registry],
    collect() {
      this.set(hub.listenerCount('message'));
    },
  });
  return registry;
}
