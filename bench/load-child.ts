// The load side of the latency bench, in a process of its own as counters are on their own
// machines: it either publishes raw MQTT messages (the floor) or presses simulated counters
// (ours), stamping each with the monotonic clock, which every process on the machine shares.
import path from 'node:path';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { CounterDevice, counterDeviceOptions, machineConfig, systemClock } from '@okienko/device';
import { SimulatedHardware } from '@okienko/hardware';

export interface LoadRequest {
  mode: 'raw' | 'devices';
  url: string;
  dir: string;
  total: number;
  /**
   * Sent first at the same rate and left out of the figures: a process just started runs its
   * first thousands of messages in V8's interpreter, and an office's bridge runs for weeks.
   */
  warmUp: number;
  rate: number;
  counters: number;
}

export const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);
export const RAW_TOPIC = 'bench/latency';
const PAYLOAD_BYTES = 400; // about the size of a feedback event

/** Call send(i) `total` times at `rate` per second, catching up after a stall. */
async function paced(total: number, rate: number, send: (i: number) => void): Promise<void> {
  const start = performance.now();
  let i = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
      while (i < due) send(i++);
      if (i >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 2);
  });
}

/** Each key with when it was sent (µs); for counters also when its event went out to the broker. */
export interface LoadResult {
  sent: [string, number][];
  published?: [string, number][];
}

async function raw(req: LoadRequest): Promise<{ go(): Promise<LoadResult>; close(): Promise<void> }> {
  const pub = await mqtt.connectAsync(req.url, { clientId: `bench-load-raw-${process.pid}` });
  return {
    async go() {
      const sent: [string, number][] = [];
      const payload = Buffer.alloc(PAYLOAD_BYTES, 0x61);
      await paced(req.warmUp + req.total, req.rate, (i) => {
        const p = Buffer.from(payload);
        p.writeUInt32BE(i, 0);
        if (i >= req.warmUp) sent.push([String(i), nowUs()]);
        pub.publish(RAW_TOPIC, p, { qos: 1 });
      });
      return { sent };
    },
    close: () => pub.endAsync(),
  };
}

async function devices(req: LoadRequest): Promise<{ go(): Promise<LoadResult>; close(): Promise<void> }> {
  const log = pino({ level: 'warn' });
  const list: { device: CounterDevice; hw: SimulatedHardware; nextSeq: number; name: string; presses: Promise<void> }[] = [];
  for (let c = 0; c < req.counters; c++) {
    const hw = new SimulatedHardware();
    const device = CounterDevice.open(
      counterDeviceOptions(
        { ref: { site: 'bench', counter: `c${c}` }, dataDir: path.join(req.dir, `device-${c}`), url: req.url },
        { machine: machineConfig({ feedbackRepeatMs: 0, thanksMs: 1 }), clerk: { id: 'k', name: 'Bench Clerk' }, tickMs: 60_000 },
      ),
      hw,
      systemClock(true),
      log,
    );
    await device.start();
    list.push({ device, hw, nextSeq: device.outbox.lastSeq + 1, name: `c${c}`, presses: Promise.resolve() });
  }
  while (!list.every((d) => d.device.link.isUp)) await new Promise((r) => setTimeout(r, 10));
  const published: [string, number][] = [];
  for (const d of list) d.device.link.on('publishing', (seq) => published.push([`${d.name}/${seq}`, nowUs()]));
  return {
    async go() {
      const sent: [string, number][] = [];
      await paced(req.warmUp + req.total, req.rate, (i) => {
        const d = list[i % list.length]!;
        // Presses on one counter are handled in order, so this is the sequence number it will get.
        // A finger can't press a button again before letting go: a counter's presses follow one
        // another (a press due while the last is still being handled waits, and that wait counts).
        const key = `${d.name}/${d.nextSeq++}`;
        if (i >= req.warmUp) sent.push([key, nowUs()]);
        d.presses = d.presses.then(() => d.hw.press(`face-${(i % 4) + 1}` as 'face-1'));
      });
      await Promise.all(list.map((d) => d.presses));
      const measured = new Set(sent.map(([k]) => k));
      return { sent, published: published.filter(([k]) => measured.has(k)) };
    },
    close: async () => {
      await Promise.all(list.map((d) => d.device.stop()));
    },
  };
}

if (process.send) {
  process.once('message', (req: LoadRequest) => {
    void (async () => {
      const load = req.mode === 'raw' ? await raw(req) : await devices(req);
      process.send!({ type: 'ready' });
      process.once('message', () => {
        void (async () => {
          const result = await load.go();
          // A large message: wait until it is written before the channel is closed below.
          await new Promise<void>((resolve) => process.send!({ type: 'done', ...result }, undefined, {}, () => resolve()));
          await load.close();
          process.disconnect();
        })();
      });
    })();
  });
}
