import { z } from 'zod';
import { Availability, CounterCommand, CounterEvent, CounterState } from './messages.ts';

/** Every message, by the name its JSON Schema file carries. */
export const MESSAGE_SCHEMAS = {
  CounterState,
  CounterEvent,
  Availability,
  CounterCommand,
} as const;

/** JSON Schemas generated from the zod schemas, never written by hand. */
export function jsonSchemas(): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(MESSAGE_SCHEMAS).map(([name, schema]) => [
      name,
      { $id: `https://okienko.invalid/schema/v1/${name}.json`, ...z.toJSONSchema(schema, { io: 'input' }) },
    ]),
  );
}
