import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { isButtonId } from '@okienko/hardware';
import { OutboxFullError } from '@okienko/device';
import { faceLabels, type PanelView } from '@okienko/protocol';
import type { SimCounter } from './fleet.ts';

/** How the routes find counters; a fleet, or a late-bound one while the fleet is still starting. */
export interface FleetLookup {
  get(site: string, counter: string): SimCounter | undefined;
  list(): SimCounter[];
}

function panelView(c: SimCounter): PanelView {
  const s = c.device.machineState;
  return {
    ...c.spec.ref,
    clerk: s.clerk?.name ?? null,
    status: s.status,
    hardware: c.hardware.snapshot(),
    faces: faceLabels(c.device.counterState().scale),
    pendingEvents: c.device.outbox.size,
    linkUp: c.device.link.isUp,
  };
}

/**
 * The virtual panels of simulated counters: a page per counter with its light, display, the
 * clerk's buttons and the smiley buttons, and the API the page presses them through.
 */
export function registerSimRoutes(app: FastifyInstance, fleet: FleetLookup, dashboardDir: string): void {
  app.get('/sim', async (_req, reply) => {
    const items = fleet.list()
      .map((c) => {
        const key = `${c.spec.ref.site}/${c.spec.ref.counter}`;
        return `<li><a href="/sim/${key}">${key}</a> — ${escapeHtml(c.spec.clerk.name)}</li>`;
      })
      .join('');
    return reply
      .type('text/html; charset=utf-8')
      .send(`<!doctype html><html lang="pl"><meta charset="utf-8"><title>Wirtualne panele</title><h1>Wirtualne panele / Virtual panels</h1><ul>${items}</ul><p><a href="/">Dashboard</a></p></html>`);
  });

  app.get<{ Params: { site: string; counter: string } }>('/sim/:site/:counter', async (req, reply) => {
    if (!fleet.get(req.params.site, req.params.counter)) return reply.code(404).send({ error: 'no such simulated counter' });
    const file = path.join(dashboardDir, 'panel.html');
    if (!fs.existsSync(file)) return reply.code(503).send({ error: 'dashboard not built: run `npx okienko build`' });
    return reply.type('text/html; charset=utf-8').send(fs.readFileSync(file));
  });

  app.get<{ Params: { site: string; counter: string } }>('/sim/api/:site/:counter', async (req, reply) => {
    const c = fleet.get(req.params.site, req.params.counter);
    if (!c) return reply.code(404).send({ error: 'no such simulated counter' });
    return panelView(c);
  });

  app.get<{ Params: { site: string; counter: string } }>('/sim/api/:site/:counter/stream', (req, reply) => {
    const c = fleet.get(req.params.site, req.params.counter);
    if (!c) return reply.code(404).send({ error: 'no such simulated counter' });
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    const send = (): void => void res.write(`event: panel\ndata: ${JSON.stringify(panelView(c))}\n\n`);
    send();
    c.hardware.on('change', send);
    const onLink = (): void => send();
    c.device.link.on('up', onLink);
    c.device.link.on('down', onLink);
    c.device.link.on('acked', onLink);
    req.raw.on('close', () => {
      c.hardware.off('change', send);
      c.device.link.off('up', onLink);
      c.device.link.off('down', onLink);
      c.device.link.off('acked', onLink);
    });
  });

  app.post<{ Params: { site: string; counter: string }; Body: { button?: unknown } }>(
    '/sim/api/:site/:counter/press',
    async (req, reply) => {
      const c = fleet.get(req.params.site, req.params.counter);
      if (!c) return reply.code(404).send({ error: 'no such simulated counter' });
      const button = String(req.body?.button ?? '');
      if (!isButtonId(button)) {
        return reply.code(400).send({ error: `unknown button "${button}": use clerk, away or face-1 … face-5` });
      }
      try {
        // Resolves once the device has handled the press: an event is in the durable outbox.
        await c.hardware.press(button);
      } catch (err) {
        if (err instanceof OutboxFullError) return reply.code(503).send({ error: err.code, message: err.message });
        throw err;
      }
      return { ok: true, lastSeq: c.device.outbox.lastSeq, pending: c.device.outbox.size, status: c.device.machineState.status };
    },
  );
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
