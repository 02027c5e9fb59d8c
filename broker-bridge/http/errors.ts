import type { FastifyBaseLogger } from 'fastify';
import { apiStatus, codeOfStatus, replyError } from '@okienko/protocol';
import { shared } from './plugin.ts';

/**
 * Fastify's own answers — a body that is not JSON, one too large or of a type not read, an unknown
 * route, a throw — in the one shape every route answers with (protocol/api-errors.ts).
 */
export const errorsPlugin = shared<{ log: FastifyBaseLogger }>(async (app, { log }) => {
  app.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) => {
    const code = codeOfStatus(err.statusCode && err.statusCode >= 400 ? err.statusCode : 500);
    if (apiStatus(code) >= 500) log.error({ err }, 'request failed');
    return replyError(reply, code, apiStatus(code) >= 500 ? undefined : err.message);
  });
  app.setNotFoundHandler((req, reply) => replyError(reply, 'not_found', `no such page: ${req.method} ${req.url.split('?')[0]}`));
}, 'okienko-errors');
