import Fastify from 'fastify';
import fastifyStatic from '@fastify/static';
import type { CounterDevice, DeviceConfig } from '@okienko/device';
import type { SimulatedHardware } from '@okienko/hardware';
import { buildDashboard, DASHBOARD_DIST } from '@okienko/dashboard';
import { registerSimRoutes, type SimCounter } from '@okienko/sim';

/**
 * The virtual panel of one counter run by `okienko device` on simulated parts (the `sim` board
 * profile): the same page and API as the simulator's panels (`/sim/<site>/<counter>`), so a
 * counter tried out from its config file can be pressed. Loaded only then: a Pi's bundle never
 * carries a web server.
 */
export async function startDevicePanel(config: DeviceConfig, hardware: SimulatedHardware, host = '127.0.0.1'): Promise<DevicePanel> {
  await buildDashboard();
  const app = Fastify();
  let counter: SimCounter | null = null;
  const ref = { site: config.site, counter: config.counter };
  // Its reader is offered the roster's badges, as a person would present them.
  const badges = Object.entries(config.roster).map(([badgeId, clerk]) => ({ badgeId, name: clerk.name }));
  registerSimRoutes(
    app,
    { get: (s, c) => (counter && s === ref.site && c === ref.counter ? counter : undefined), list: () => (counter ? [counter] : []), badges: () => badges },
    DASHBOARD_DIST,
  );
  await app.register(fastifyStatic, { root: DASHBOARD_DIST, prefix: '/' });
  const base = await app.listen({ host, port: config.panel.port ?? 0 });
  return {
    url: `${base}/sim/${ref.site}/${ref.counter}`,
    attach(device: CounterDevice) {
      const clerk = config.clerk ?? { id: '-', name: '—' };
      counter = { spec: { ref, clerk, badge: badges[0]?.badgeId ?? '', substitute: config.substitute }, hardware, device };
    },
    close: () => app.close(),
  };
}

export interface DevicePanel {
  url: string;
  /** The counter the panel drives, once it is built (its availability announces the panel's address). */
  attach(device: CounterDevice): void;
  close(): Promise<void>;
}
