import { z } from 'zod';
import { buildDevice } from '../build/device-bundle.ts';
import { writeJsonSchemas } from '../build/schemas.ts';
import type { Command } from './options.ts';

export const buildCommand: Command = {
  name: 'build',
  summary: 'build the dashboard, the JSON Schemas and the device bundle (--target device: the bundle only, as on a Pi)',
  settings: {
    target: { flag: 'target', default: 'all', schema: z.enum(['all', 'device']), help: '"device" builds only device/dist/okienko-device.mjs (what a Raspberry Pi needs).' },
  },
  async run(v) {
    const device = await buildDevice();
    process.stdout.write(`device → ${device}\n`);
    if (v.target === 'device') process.exit(0);
    const { buildDashboard, DASHBOARD_DIST } = await import('@okienko/dashboard');
    await buildDashboard();
    const files = writeJsonSchemas();
    process.stdout.write(`dashboard → ${DASHBOARD_DIST}\n${files.map((f) => `schema → ${f}`).join('\n')}\n`);
    process.exit(0);
  },
};
