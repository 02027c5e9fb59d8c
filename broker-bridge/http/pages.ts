import fs from 'node:fs';
import type { FastifyPluginAsync } from 'fastify';
import fastifyStatic from '@fastify/static';
import { DEFAULT_TIME_ZONE, replyError, type Office } from '@okienko/protocol';
import { lobbyView } from '../live/lobby.ts';
import type { NoticeBoard } from '../notices/board.ts';
import type { CounterStore } from '../store/types.ts';

export type PagesDeps = {
  store: CounterStore;
  now: () => number;
  notices?: NoticeBoard | undefined;
  dashboardDir?: string | undefined;
  timeZone?: string | undefined;
  demo?: { since: number } | null | undefined;
};

const PAGES = ['lobby', 'login', 'reports', 'devices', 'alerts', 'sessions'];

/**
 * The dashboard: its pages at their plain paths, the public data the lobby board and every page
 * read (`/api/public/lobby`, `/api/public/office`), and the built files at / — registered last,
 * so the routes of every other plugin stand before its catch-all.
 */
export const pagesRoutes: FastifyPluginAsync<PagesDeps> = async (app, deps) => {
  // The lobby board's data (issue 5): hall screens poll it; no login, only what displays show.
  app.get('/api/public/lobby', async (_req, reply) => {
    const view = lobbyView(await deps.store.listCounters(), deps.notices ? await deps.notices.list(true) : [], deps.now());
    return reply.header('cache-control', 'no-store').header('access-control-allow-origin', '*').send(view);
  });
  // Every page shows times in the office's zone, whatever zone the browser is in.
  const office: Office = { timeZone: deps.timeZone ?? DEFAULT_TIME_ZONE, demo: deps.demo ?? null };
  app.get('/api/public/office', async () => office);
  // The dashboard's pages at their plain paths (the login guard decides who may see which).
  for (const page of PAGES) {
    app.get(`/${page}`, async (_req, reply) => {
      if (!deps.dashboardDir) return replyError(reply, 'not_built', 'the dashboard is not built: run `npx okienko build`');
      return reply.type('text/html; charset=utf-8').send(fs.createReadStream(`${deps.dashboardDir}/${page}.html`));
    });
  }
  if (deps.dashboardDir && fs.existsSync(deps.dashboardDir)) {
    await app.register(fastifyStatic, { root: deps.dashboardDir, prefix: '/' });
  } else {
    app.get('/', async (_req, reply) =>
      reply.type('text/plain; charset=utf-8').send('The dashboard is not built: run `npx okienko build` (npm start does it).'),
    );
  }
};
