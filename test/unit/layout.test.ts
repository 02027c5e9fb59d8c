import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/okienko.ts';

/** What a Raspberry Pi installs: `npm ci --omit=dev -w @okienko/device --include-workspace-root`. */
const DEVICE_SIDE = ['device', 'hardware', 'protocol'];
const CENTRAL_ONLY = ['better-sqlite3', 'fastify', 'aedes', 'esbuild', 'preact', '@fastify/static', '@okienko/broker-bridge', '@okienko/dashboard', '@okienko/sim'];

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(p);
    return /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

describe('what a counter installs', () => {
  it.each(DEVICE_SIDE)('%s depends on nothing the central side needs', (folder) => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, folder, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    expect(Object.keys(pkg.dependencies ?? {}).filter((d) => CENTRAL_ONLY.includes(d))).toEqual([]);
    for (const file of sources(path.join(ROOT, folder))) {
      const text = fs.readFileSync(file, 'utf8');
      for (const dep of CENTRAL_ONLY) expect(text, `${file} imports ${dep}`).not.toContain(`from '${dep}`);
    }
  });

  it('the root package (the okienko command) needs only tsx and esbuild (which tsx brings anyway) at run time', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).toEqual(['esbuild', 'tsx']);
    // The device subcommand's own imports stay on the device side.
    const cli = fs.readFileSync(path.join(ROOT, 'cli/device.ts'), 'utf8');
    for (const dep of CENTRAL_ONLY) expect(cli).not.toContain(`from '${dep}`);
  });

  it('every folder says what it owns', () => {
    for (const folder of ['protocol', 'hardware', 'device', 'broker-bridge', 'dashboard', 'sim', 'test', 'bench', 'cli']) {
      expect(fs.existsSync(path.join(ROOT, folder, 'README.md')), `${folder}/README.md`).toBe(true);
    }
  });
});
