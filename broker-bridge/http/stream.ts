import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import { apiError } from '@okienko/protocol';
import type { LiveHub, LiveMessage } from '../live/hub.ts';
import type { Sessions } from '../auth/sessions.ts';

export type StreamDeps = { hub: LiveHub; log: Logger; sessions: Sessions | null };

/**
 * GET /api/stream: Server-Sent Events — a `snapshot` (every counter), then `counter` and `alert`
 * messages as they change; with `?events=true` also an `event` message per stored event (only the
 * bench reads those: a dashboard has no use for every vote's and press's copy). `session_ended`,
 * then the end, when the session does.
 */
export const streamRoutes: FastifyPluginAsync<StreamDeps> = async (app, deps) => {
  app.get<{ Querystring: { events?: string } }>('/api/stream', (req, reply) => {
    const withEvents = req.query.events === 'true';
    const wanted = (m: LiveMessage): boolean => withEvents || m.type !== 'event';
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    // Subscribe before the snapshot so nothing falls between them; the client applies both in order.
    const buffered: LiveMessage[] = [];
    let ready = false;
    const onMessage = (m: LiveMessage): void => {
      if (!wanted(m)) return;
      if (ready) sendSse(res, m.type, payloadOf(m));
      else buffered.push(m);
    };
    deps.hub.on('message', onMessage);
    const heartbeat = setInterval(() => res.write(': ping\n\n'), 15_000);
    // A stream outlives the request that checked its session: it ends when the session does
    // (a logout, a new password or role, a removed user), here or on another bridge.
    const unwatch =
      req.session && deps.sessions
        ? deps.sessions.watch(req.session, () => {
            sendSse(res, 'session_ended', apiError('session_ended', 'this session has ended: sign in again at /login'));
            res.end();
          })
        : () => {};
    req.raw.on('close', () => {
      clearInterval(heartbeat);
      unwatch();
      deps.hub.off('message', onMessage);
    });
    deps.hub.snapshot().then(
      (counters) => {
        sendSse(res, 'snapshot', counters);
        for (const m of buffered) sendSse(res, m.type, payloadOf(m));
        ready = true;
      },
      (err: unknown) => {
        deps.log.error({ err }, 'live stream snapshot failed');
        res.end(); // the browser reconnects and asks again
      },
    );
  });
};

function payloadOf(m: LiveMessage): unknown {
  return m.type === 'counter' ? m.counter : m.type === 'alert' ? m.alert : m;
}

function sendSse(res: ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}
