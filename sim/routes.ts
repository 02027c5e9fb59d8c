import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { isButtonId, type ButtonId } from '@okienko/hardware';
import { OutboxDiskFullError, OutboxFullError } from '@okienko/device';
import { faceLabels, replyError, type ApiErrorCode, type PanelView, type SimFleetRow } from '@okienko/protocol';

/** What an action refuses, with the code and the message its reply carries. */
type Problem = [ApiErrorCode, string];
import { memoryReport } from './memory.ts';
import { simIndexHtml } from './index-page.ts';
import type { SimCounter } from './fleet.ts';

/** How the routes find counters; a fleet, or a late-bound one while the fleet is still starting. */
export interface FleetLookup {
  get(site: string, counter: string): SimCounter | undefined;
  list(): SimCounter[];
  /** The badges the panels' readers offer; by default each simulated clerk's own. */
  badges?(): PanelView['badges'];
}

function panelView(c: SimCounter, badges: PanelView['badges']): PanelView {
  const s = c.device.machineState;
  return {
    ...c.spec.ref,
    clerk: s.clerk?.name ?? null,
    status: s.status,
    hardware: c.hardware.snapshot(),
    faces: faceLabels(c.device.counterState().scale),
    pendingEvents: c.device.outbox.size,
    lastSeq: c.device.outbox.lastSeq,
    linkUp: c.device.link.isUp,
    badges,
  };
}

/**
 * The virtual panels of simulated counters: a page per counter with its light, display, the
 * clerk's buttons and the smiley buttons, and the API the page presses them through.
 */
export function registerSimRoutes(app: FastifyInstance, fleet: FleetLookup, dashboardDir: string): void {
  // The demo's badges, so the panel can offer them at its reader.
  const badges = (): PanelView['badges'] => fleet.badges?.() ?? fleet.list().map((c) => ({ badgeId: c.spec.badge, name: c.spec.clerk.name }));
  const view = (c: SimCounter): PanelView => panelView(c, badges());
  app.get('/sim', async (_req, reply) =>
    reply.type('text/html; charset=utf-8').send(
      simIndexHtml(fleet.list().map((c) => ({ ...c.spec.ref, clerk: c.device.machineState.clerk?.name ?? null, status: c.device.machineState.status, linkUp: c.device.link.isUp }))),
    ),
  );

  app.get<{ Params: { site: string; counter: string } }>('/sim/:site/:counter', async (req, reply) => {
    if (!fleet.get(req.params.site, req.params.counter)) return replyError(reply, 'no_sim_counter', `no simulated counter ${req.params.site}/${req.params.counter}`);
    const file = path.join(dashboardDir, 'panel.html');
    if (!fs.existsSync(file)) return replyError(reply, 'not_built', 'the dashboard is not built: run `npx okienko build`');
    return reply.type('text/html; charset=utf-8').send(fs.readFileSync(file));
  });

  // Every counter's numbers at once, for load and fault runs with thousands of counters.
  app.get('/sim/api/fleet', async (): Promise<SimFleetRow[]> =>
    fleet.list().map((c) => ({ ...c.spec.ref, lastSeq: c.device.outbox.lastSeq, pendingEvents: c.device.outbox.size, linkUp: c.device.link.isUp })),
  );
  // This process's memory (after a full collection under --expose-gc): the soak's leak check.
  app.get('/sim/api/memory', async () => memoryReport());
  app.get<{ Params: { site: string; counter: string } }>('/sim/api/:site/:counter', async (req, reply) => {
    const c = fleet.get(req.params.site, req.params.counter);
    if (!c) return replyError(reply, 'no_sim_counter', `no simulated counter ${req.params.site}/${req.params.counter}`);
    return view(c);
  });

  app.get<{ Params: { site: string; counter: string } }>('/sim/api/:site/:counter/stream', (req, reply) => {
    const c = fleet.get(req.params.site, req.params.counter);
    if (!c) return replyError(reply, 'no_sim_counter', `no simulated counter ${req.params.site}/${req.params.counter}`);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    const send = (): void => void res.write(`event: panel\ndata: ${JSON.stringify(view(c))}\n\n`);
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

  type Params = { Params: { site: string; counter: string }; Body: { button?: unknown; pressed?: unknown; badgeId?: unknown } };

  /** Run an action on the counter; answers once the device has handled it (events in the outbox). */
  const act = (name: string, action: (c: SimCounter, body: Params['Body']) => Problem | Promise<void>) =>
    app.post<Params>(`/sim/api/:site/:counter/${name}`, async (req, reply) => {
      const c = fleet.get(req.params.site, req.params.counter);
      if (!c) return replyError(reply, 'no_sim_counter', `no simulated counter ${req.params.site}/${req.params.counter}`);
      try {
        const problem = await action(c, req.body ?? {});
        if (problem) return replyError(reply, problem[0], problem[1]);
      } catch (err) {
        if (err instanceof OutboxFullError || err instanceof OutboxDiskFullError) return replyError(reply, err.code, err.message);
        throw err;
      }
      return { ok: true, lastSeq: c.device.outbox.lastSeq, pending: c.device.outbox.size, status: c.device.machineState.status };
    });
  const button = (body: Params['Body']): ButtonId | null => {
    const b = String(body.button ?? '');
    return isButtonId(b) ? b : null;
  };
  const BAD_BUTTON = 'unknown button: use clerk, away or face-1 … face-5';
  const badButton = (more = ''): Problem => ['bad_button', `${BAD_BUTTON}${more}`];

  // A whole short press.
  act('press', (c, body) => {
    const b = button(body);
    return b ? c.hardware.press(b) : badButton();
  });
  // One edge, as the panel's pointer goes down and up, so a hold is a real hold.
  act('edge', (c, body) => {
    const b = button(body);
    if (!b || typeof body.pressed !== 'boolean') return badButton('; "pressed" must be true or false');
    return c.hardware.edge(b, body.pressed);
  });
  act('badge', (c, body) => (typeof body.badgeId === 'string' && body.badgeId ? c.hardware.presentBadge(body.badgeId) : ['bad_badge', '"badgeId" is required']));
}
