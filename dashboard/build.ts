import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Where the built dashboard lands; the bridge serves it. */
export const DASHBOARD_DIST = path.join(here, 'dist');

/** Bundle the browser apps (live board, virtual panel) with esbuild; takes well under a second. */
export async function buildDashboard(outDir = DASHBOARD_DIST): Promise<void> {
  fs.mkdirSync(outDir, { recursive: true });
  await esbuild.build({
    entryPoints: { board: path.join(here, 'src/board.tsx'), panel: path.join(here, 'src/panel.tsx') },
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: outDir,
    logLevel: 'warning',
  });
  for (const file of fs.readdirSync(path.join(here, 'public'))) {
    fs.copyFileSync(path.join(here, 'public', file), path.join(outDir, file));
  }
}
