import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Where the built dashboard lands; the bridge serves it. */
export const DASHBOARD_DIST = path.join(here, 'dist');

/** Each browser app: its entry in src/, the page that loads it, and that page's title and styles. */
const PAGES: Record<string, { html: string; title: string; css?: string; bodyClass?: string }> = {
  board: { html: 'index.html', title: 'okienko — stanowiska na żywo' },
  panel: { html: 'panel.html', title: 'okienko — wirtualny panel', bodyClass: 'panel-page' },
  lobby: { html: 'lobby.html', title: 'Gdzie podejść? — stanowiska', css: 'lobby.css' },
  login: { html: 'login.html', title: 'okienko — logowanie' },
  reports: { html: 'reports.html', title: 'okienko — raporty' },
  devices: { html: 'devices.html', title: 'okienko — urządzenia' },
  alerts: { html: 'alerts.html', title: 'okienko — historia alertów' },
  sessions: { html: 'sessions.html', title: 'okienko — sesje' },
};

function page(entry: string, p: (typeof PAGES)[string]): string {
  return `<!doctype html>
<html lang="pl">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${p.title}</title>
    <link rel="stylesheet" href="/${p.css ?? 'styles.css'}" />
  </head>
  <body${p.bodyClass ? ` class="${p.bodyClass}"` : ''}>
    <div id="app"></div>
    <script type="module" src="/${entry}.js"></script>
  </body>
</html>
`;
}

/** Bundle the browser apps with esbuild and write their pages; takes well under a second. */
export async function buildDashboard(outDir = DASHBOARD_DIST): Promise<void> {
  fs.mkdirSync(outDir, { recursive: true });
  const result = await esbuild.build({
    entryPoints: Object.fromEntries(Object.keys(PAGES).map((entry) => [entry, path.join(here, `src/${entry}.tsx`)])),
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
  for (const [entry, p] of Object.entries(PAGES)) replaceFile(path.join(outDir, p.html), Buffer.from(page(entry, p)));
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
