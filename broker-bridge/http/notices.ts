import type { FastifyInstance } from 'fastify';
import { NoticeRequest, apiError, describeIssues } from '@okienko/protocol';
import type { NoticeBoard } from '../notices/board.ts';

/** POST /api/notices, GET /api/notices?active=true, DELETE /api/notices/:id. */
export function registerNoticeRoutes(app: FastifyInstance, notices: NoticeBoard): void {
  app.post('/api/notices', async (req, reply) => {
    const body = NoticeRequest.safeParse(req.body);
    if (!body.success) {
      return reply.code(400).send(apiError('bad_notice', describeIssues(body.error).join('; ')));
    }
    return reply.code(201).send(await notices.send(body.data));
  });
  app.get<{ Querystring: { active?: string } }>('/api/notices', async (req) => notices.list(req.query.active === 'true'));
  app.delete<{ Params: { id: string } }>('/api/notices/:id', async (req, reply) => {
    const notice = await notices.withdraw(req.params.id);
    return notice ?? reply.code(404).send(apiError('no_notice', `no notice ${req.params.id}`));
  });
}
