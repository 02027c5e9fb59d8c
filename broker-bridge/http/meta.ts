import type { FastifyPluginAsync } from 'fastify';
import { asyncApiDocument, openApiDocument, type Health } from '@okienko/protocol';
import type { LiveHub } from '../live/hub.ts';
import type { Ingest } from '../ingest/ingest.ts';
import { bridgeMetrics } from './metrics.ts';

export type MetaDeps = { hub: LiveHub; ingest: Ingest; mqttConnected: () => boolean };

/** GET /api/health, /api/counters, /api/openapi.json, /api/asyncapi.json and /metrics. */
export const metaRoutes: FastifyPluginAsync<MetaDeps> = async (app, deps) => {
  // The process's own uptime: real time, whatever clock the office's data runs on.
  const started = Date.now();
  app.get('/api/health', async (): Promise<Health> => ({
    status: deps.mqttConnected() ? 'ok' : 'degraded',
    mqtt: deps.mqttConnected() ? 'connected' : 'disconnected',
    uptimeS: Math.round((Date.now() - started) / 1000),
    stored: deps.ingest.stored,
    duplicates: deps.ingest.duplicates,
    gaps: deps.ingest.gaps,
    rejected: deps.ingest.rejected,
  }));

  app.get('/api/counters', async () => deps.hub.snapshot());

  // Both generated from the same zod schemas the code validates with.
  app.get('/api/openapi.json', async () => openApiDocument());
  app.get('/api/asyncapi.json', async () => asyncApiDocument());

  const metrics = bridgeMetrics(deps.ingest, deps.hub, deps.mqttConnected);
  app.get('/metrics', async (_req, reply) => reply.type(metrics.contentType).send(await metrics.metrics()));
};
