import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AwayNotice, Clerk, CounterStatus } from '@okienko/protocol/messages';
import { writeAtomically } from './outbox.ts';
import type { MachineState } from './machine.ts';

/**
 * The counter's saved state (`state.json` in its data folder): what must survive a reboot so the
 * counter comes back as the clerk left it. A file of the device's own, not a message: it never
 * leaves the Pi.
 */
const PersistedState = z.object({
  status: CounterStatus,
  since: z.number(),
  clerk: Clerk.nullable(),
  notice: AwayNotice.nullable(),
  sessionId: z.string().nullable(),
  closedBy: z.enum(['schedule', 'command', 'clerk', 'vacant']).nullable().default(null),
});
type PersistedState = z.infer<typeof PersistedState>;
/** Where a counter with no saved state begins instead (options `resume`): the demo's history. */
export type ResumeState = z.input<typeof PersistedState>;

/**
 * A state saved before a counter closed when nobody was signed in (or resumed from a history that
 * ends so) is read the same way: nobody at the desk is closed, never "free, please come".
 */
export function vacantClosed(s: MachineState): MachineState {
  return s.clerk || s.status === 'closed' ? s : { ...s, status: 'closed', notice: null, closedBy: 'vacant' };
}

function statePath(dataDir: string): string {
  return path.join(dataDir, 'state.json');
}

/**
 * The state a counter starts in: its saved state over `initial`; with none saved (first start),
 * the resume state, which is saved at once — a restart before the first change comes back to it,
 * not to the default.
 */
export function startingState(dataDir: string, initial: MachineState, resume: ResumeState | undefined, log: Logger): MachineState {
  const saved = loadState(dataDir, log);
  const resumed = saved === null && resume ? PersistedState.parse(resume) : null;
  const state = vacantClosed({ ...initial, ...(saved ?? resumed ?? {}) });
  if (resumed) saveState(dataDir, state, log);
  return state;
}

/** The saved state; null when there is none (first start), so a resume state may be used. */
function loadState(dataDir: string, log: Logger): Partial<PersistedState> | null {
  const file = statePath(dataDir);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    // First start: nothing saved. A file cut short: start fresh.
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? null : {};
  }
  const parsed = PersistedState.safeParse(raw);
  if (!parsed.success) {
    log.warn({ file }, 'saved state is not valid; starting as available');
    return {};
  }
  return parsed.data;
}

/** Whether a step changed what is saved: a vote does not, so the state file is not rewritten for it. */
export function savedStateChanged(before: MachineState, after: MachineState): boolean {
  return (
    after.status !== before.status ||
    after.clerk !== before.clerk ||
    after.notice !== before.notice ||
    after.sessionId !== before.sessionId ||
    after.closedBy !== before.closedBy
  );
}

export function saveState(dataDir: string, state: MachineState, log: Logger): void {
  const { status, since, clerk, notice, sessionId, closedBy } = state;
  const persisted: PersistedState = { status, since, clerk, notice, sessionId, closedBy };
  try {
    writeAtomically(statePath(dataDir), JSON.stringify(persisted));
  } catch (err) {
    // The state file only saves re-entering the state after a reboot; the events that made it
    // are in the outbox. A full disk must not stop the counter.
    log.error({ err }, 'could not save the counter state');
  }
}
