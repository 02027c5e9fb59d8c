import { z } from 'zod';
import { CounterId, EpochMs, SiteId } from './ids.ts';
import { AwayNotice, Clerk, CounterStatus, FleetStatus } from './messages.ts';

/** A counter as the bridge's HTTP API and live stream describe it to the dashboard. */
export const CounterView = z.object({
  site: SiteId,
  counter: CounterId,
  /** What residents would see: the counter's own status, or offline. */
  status: FleetStatus,
  /** What the counter itself last said, even while offline. */
  lastStatus: CounterStatus,
  online: z.boolean(),
  clerk: Clerk.nullable(),
  since: EpochMs.nullable(),
  notice: AwayNotice.nullable(),
  seq: z.number().int().nonnegative(),
  scale: z.number().int().min(3).max(5),
  lastSeen: EpochMs,
  panelUrl: z.string().nullable(),
  version: z.string().nullable(),
  /** Votes per face today (office time zone), misuse-flagged votes excluded. */
  feedbackToday: z.record(z.string(), z.number().int().nonnegative()),
});
export type CounterView = z.infer<typeof CounterView>;
