import type { FastifyPluginAsync } from 'fastify';
import { EventsQuery, describeIssues, replyError } from '@okienko/protocol';
import type { EventStore } from '../store/types.ts';

export type EventsDeps = { store: Pick<EventStore, 'listEvents'> };

/** GET /api/events?site&counter&type&from&to&limit: stored events, in time order. */
export const eventsRoutes: FastifyPluginAsync<EventsDeps> = async (app, { store }) => {
  app.get('/api/events', async (req, reply) => {
    const q = EventsQuery.safeParse(req.query);
    if (!q.success) return replyError(reply, 'bad_query', describeIssues(q.error).join('; '));
    const rows = await store.listEvents(q.data);
    return rows.map((r) => ({ ...r.event, receivedAt: r.receivedAt, effectiveAt: r.effectiveAt }));
  });
};
