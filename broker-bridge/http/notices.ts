import type { FastifyPluginAsync } from 'fastify';
import { NoticeRequest, describeIssues, replyError } from '@okienko/protocol';
import type { NoticeBoard } from '../notices/board.ts';

export type NoticesDeps = { notices: NoticeBoard };

/** POST /api/notices, GET /api/notices?active=true, DELETE /api/notices/:id. */
export const noticesRoutes: FastifyPluginAsync<NoticesDeps> = async (app, { notices }) => {
  app.post('/api/notices', async (req, reply) => {
    const body = NoticeRequest.safeParse(req.body);
    if (!body.success) return replyError(reply, 'bad_notice', describeIssues(body.error).join('; '));
    return reply.code(201).send(await notices.send(body.data));
  });
  app.get<{ Querystring: { active?: string } }>('/api/notices', async (req) => notices.list(req.query.active === 'true'));
  app.delete<{ Params: { id: string } }>('/api/notices/:id', async (req, reply) => {
    const notice = await notices.withdraw(req.params.id);
    return notice ?? replyError(reply, 'no_notice', `no notice ${req.params.id}`);
  });
};
