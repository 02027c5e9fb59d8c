import path from 'node:path';
import type { Logger } from 'pino';
import { CounterDevice, counterDeviceOptions, counterPlace, machineConfig, systemClock, type LinkOptions, type ResumeState } from '@okienko/device';
import { SimulatedHardware } from '@okienko/hardware';
import { DEFAULT_TIME_ZONE, type Clerk, type CounterRef, type Substitute } from '@okienko/protocol';

export interface SimCounterSpec {
  ref: CounterRef;
  clerk: Clerk;
  /** The clerk's badge (a 125 kHz card number), for signing in at any counter. */
  badge: string;
  substitute: Substitute | null;
}

const NAMES = [
  'Anna Nowak',
  'Jan Kowalski',
  'Maria Wiśniewska',
  'Piotr Wójcik',
  'Katarzyna Kamińska',
  'Tomasz Lewandowski',
  'Agnieszka Zielińska',
  'Michał Szymański',
];
export const DEMO_SITES = ['ratusz', 'filia'] as const;

/**
 * The demo office: counters split over two sites (or the sites given: a load test runs several
 * fleets, each with sites of its own), each with a clerk and the neighbour as substitute.
 */
export function demoCounters(count: number, sites: readonly string[] = DEMO_SITES): SimCounterSpec[] {
  const perSite = Math.ceil(count / sites.length);
  const specs: SimCounterSpec[] = [];
  for (let i = 0; i < count; i++) {
    const site = sites[Math.floor(i / perSite)] ?? sites[sites.length - 1]!;
    const n = (i % perSite) + 1;
    const name = NAMES[i % NAMES.length]! + (i >= NAMES.length ? ` ${Math.floor(i / NAMES.length) + 1}` : '');
    specs.push({ ref: { site, counter: `okienko-${n}` }, clerk: { id: `k${i + 1}`, name }, badge: (0x0a000000 + i + 1).toString(16).toUpperCase().padStart(10, '0'), substitute: null });
  }
  const bySite = new Map<string, SimCounterSpec[]>();
  for (const spec of specs) {
    const list = bySite.get(spec.ref.site) ?? [];
    list.push(spec);
    bySite.set(spec.ref.site, list);
  }
  for (const sameSite of bySite.values()) for (const [me, spec] of sameSite.entries()) {
    const other = sameSite[(me + 1) % sameSite.length];
    if (other && other !== spec) {
      spec.substitute = { name: other.clerk.name, where: counterPlace(other.ref.counter) };
    }
  }
  return specs;
}

export interface SimFleetOptions {
  counters: SimCounterSpec[];
  dataDir: string;
  link: LinkOptions;
  /** Each counter's own broker login, where the broker asks for one (`okienko start` does). */
  login?: ((ref: CounterRef) => { username: string; password: string } | undefined) | undefined;
  /** Base URL the panels are reachable at, announced so the dashboard can link to them. */
  panelBaseUrl: string | null;
  /** The office's zone for times on the display; Europe/Warsaw unless told. */
  timeZone?: string;
  awayCommitMs: number;
  log: Logger;
  version: string;
  /**
   * What the store already holds of these counters (the demo's history, keyed `site/counter`):
   * each counter numbers its events after it, and a counter starting for the first time starts
   * where it left off.
   */
  past?: { lastSeq: Record<string, number>; resume: Record<string, ResumeState> } | undefined;
}

export interface SimCounter {
  spec: SimCounterSpec;
  hardware: SimulatedHardware;
  device: CounterDevice;
}

/** Simulated counters: the real device runtime on the simulated driver, one per counter. */
export class SimFleet {
  readonly counters = new Map<string, SimCounter>();

  private constructor(private readonly log: Logger) {}

  static async start(opts: SimFleetOptions): Promise<SimFleet> {
    const fleet = new SimFleet(opts.log);
    // Every demo clerk may sign in at every counter of the office.
    const roster = Object.fromEntries(opts.counters.map((s) => [s.badge, s.clerk]));
    for (const spec of opts.counters) {
      const hardware = new SimulatedHardware({ cols: 32, rows: 6 });
      const key = `${spec.ref.site}/${spec.ref.counter}`;
      const device = CounterDevice.open(
        counterDeviceOptions(
          { ref: spec.ref, dataDir: path.join(opts.dataDir, spec.ref.site, spec.ref.counter), url: opts.link.url },
          {
            machine: machineConfig({ awayCommitMs: opts.awayCommitMs, substitute: spec.substitute, roster }),
            clerk: spec.clerk,
            link: { ...opts.link, ...opts.login?.(spec.ref) },
            timeZone: opts.timeZone ?? DEFAULT_TIME_ZONE,
            version: opts.version,
            panelUrl: opts.panelBaseUrl ? `${opts.panelBaseUrl}/sim/${key}` : undefined,
            outbox: { startAfter: opts.past?.lastSeq[key] ?? 0 },
            resume: opts.past?.resume[key],
          },
        ),
        hardware,
        systemClock(true),
        opts.log.child({ counter: key }),
      );
      await device.start();
      fleet.counters.set(key, { spec, hardware, device });
    }
    return fleet;
  }

  list(): SimCounter[] {
    return [...this.counters.values()];
  }

  get(site: string, counter: string): SimCounter | undefined {
    return this.counters.get(`${site}/${counter}`);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.counters.values()].map((c) => c.device.stop()));
    this.log.info('simulated counters stopped');
  }
}
