import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { asyncApiDocument, jsonSchemas, openApiDocument } from '@okienko/protocol';

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
