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
  const result = await esbuild.build({
    entryPoints: { board: path.join(here, 'src/board.tsx'), panel: path.join(here, 'src/panel.tsx'), lobby: path.join(here, 'src/lobby.tsx'), login: path.join(here, 'src/login.tsx'), reports: path.join(here, 'src/reports.tsx'), devices: path.join(here, 'src/devices.tsx') },
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: outDir,
    write: false,
    logLevel: 'warning',
  });
  for (const out of result.outputFiles) replaceFile(out.path, out.contents);
  for (const file of fs.readdirSync(path.join(here, 'public'))) {
    replaceFile(path.join(outDir, file), fs.readFileSync(path.join(here, 'public', file)));
  }
}

/**
 * Several processes may build at once (`okienko sim` beside `okienko start`) while a browser
 * reads: a file is replaced whole by rename, never seen half-written.
 */
function replaceFile(file: string, contents: Uint8Array): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, contents);
  fs.renameSync(tmp, file);
}
