import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsonSchemas } from '@okienko/protocol';
import { buildDashboard, DASHBOARD_DIST } from '@okienko/dashboard';
import type { Command } from './options.ts';

export const SCHEMA_DIR = fileURLToPath(new URL('../protocol/schema', import.meta.url));

/** Write protocol/schema/<Message>.json from the zod schemas. */
export function writeJsonSchemas(dir = SCHEMA_DIR): string[] {
  fs.mkdirSync(dir, { recursive: true });
  return Object.entries(jsonSchemas()).map(([name, schema]) => {
    const file = path.join(dir, `${name}.json`);
    fs.writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
    return file;
  });
}

export const buildCommand: Command = {
  name: 'build',
  summary: 'build the dashboard into dashboard/dist and regenerate the JSON Schemas in protocol/schema',
  settings: {},
  async run() {
    await buildDashboard();
    const files = writeJsonSchemas();
    process.stdout.write(`dashboard → ${DASHBOARD_DIST}\n${files.map((f) => `schema → ${f}`).join('\n')}\n`);
  },
};
