import fs from 'node:fs';

export interface Clock {
  now(): number;
  /** Whether the wall clock has been set from the network since boot (a Pi has no battery clock). */
  synced(): boolean;
}

/** systemd-timesyncd creates this file once it has synchronised the clock. */
const TIMESYNC_FLAG = '/run/systemd/timesync/synchronized';

export function systemClock(assumeSynced: boolean | 'auto' = 'auto'): Clock {
  return {
    now: () => Date.now(),
    synced: () => (assumeSynced === 'auto' ? fs.existsSync(TIMESYNC_FLAG) : assumeSynced),
  };
}
