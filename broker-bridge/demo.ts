import { z } from 'zod';
import type { SettingStore } from './store/types.ts';

/**
 * Whether a store holds the demo's made-up history (`okienko start` writes it into a fresh data
 * folder). Kept as a store setting, which is written once and never changes: a folder that began
 * as the demo stays marked as one — every manager page and the lobby say so — and an office's
 * own data never becomes the demo's. The way out of the demo is a fresh data folder.
 */
export const DEMO_SETTING = 'demo';
const NOT_DEMO = 'none';

/** What the demo's history was made from: its "now", its seed, and how many counters. */
export const DemoMark = z.object({ since: z.number().int(), seed: z.number().int(), counters: z.number().int().min(0) });
export type DemoMark = z.infer<typeof DemoMark>;

/**
 * The store's mark, set now to `initial` where it has none (the first start decides, for good):
 * null when this store is not the demo's.
 */
export async function demoMark(store: SettingStore, initial: DemoMark | null = null): Promise<DemoMark | null> {
  const value = await store.setting(DEMO_SETTING, () => (initial ? JSON.stringify(initial) : NOT_DEMO));
  if (value === NOT_DEMO) return null;
  // Anything else is the demo's: a mark that does not read is still a mark (then no history is
  // made again from it).
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    json = null;
  }
  const parsed = DemoMark.safeParse(json);
  return parsed.success ? parsed.data : { since: 0, seed: 0, counters: 0 };
}
