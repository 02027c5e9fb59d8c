import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROFILES_DIR, shippedProfiles } from '@okienko/hardware';

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
