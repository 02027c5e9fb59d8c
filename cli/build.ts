import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { asyncApiDocument, jsonSchemas, openApiDocument } from '@okienko/protocol';
import { z } from 'zod';
import { PROFILES_DIR, shippedProfiles } from '@okienko/hardware';
import type { Command } from './options.ts';

export const SCHEMA_DIR = fileURLToPath(new URL('../protocol/schema', import.meta.url));

/** Everything written to protocol/schema: a JSON Schema per message, the OpenAPI and AsyncAPI documents. */
export function generatedDocuments(): Record<string, unknown> {
  return { ...jsonSchemas(), openapi: openApiDocument(), asyncapi: asyncApiDocument() };
}

/** Write protocol/schema/*.json from the zod schemas. */
export function writeJsonSchemas(dir = SCHEMA_DIR): string[] {
  fs.mkdirSync(dir, { recursive: true });
  return Object.entries(generatedDocuments()).map(([name, schema]) => {
    const file = path.join(dir, `${name}.json`);
    fs.writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
    return file;
  });
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEVICE_BUNDLE = path.join(ROOT, 'device/dist/okienko-device.mjs');

/** Libraries the bundle leaves to node_modules: native addons, and CommonJS that loads files at run time. */
const EXTERNAL = ['mqtt', 'pino', 'zod', 'onoff', 'johnny-five', 'serialport', 'firmata-io', '@serialport/*'];

/**
 * Bundle an entry of the device side (our TypeScript, compiled) into one ES module next to its
 * package, so a Raspberry Pi runs plain JavaScript: no TypeScript loader in its memory or start-up.
 */
export async function bundleDeviceEntry(entry: string, outfile: string): Promise<void> {
  // esbuild comes with tsx, which every install has; loaded only for this.
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: EXTERNAL,
    logLevel: 'warning',
  });
  // The shipped board profiles, where the bundled code looks for them (beside itself).
  const profiles = path.join(path.dirname(outfile), 'profiles');
  fs.mkdirSync(profiles, { recursive: true });
  for (const f of shippedProfiles()) fs.copyFileSync(path.join(PROFILES_DIR, `${f}.json`), path.join(profiles, `${f}.json`));
}

export async function buildDevice(): Promise<string> {
  await bundleDeviceEntry(path.join(ROOT, 'cli/device-entry.ts'), DEVICE_BUNDLE);
  return DEVICE_BUNDLE;
}

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
