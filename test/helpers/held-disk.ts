import { fileSync, type FileSync } from '../../broker-bridge/store/wal-sync.ts';

/** A disk whose syncs finish only when the test says: each call waits for its own release. */
export function heldDisk(): { sync: FileSync; calls: string[]; release(): void; hold: boolean } {
  const waiting: (() => void)[] = [];
  const calls: string[] = [];
  const real = fileSync();
  const disk = {
    calls,
    /** Off: syncs go straight to the real disk (a bridge starting up writes too). */
    hold: true,
    sync: async (file: string) => {
      if (!disk.hold) return real(file);
      calls.push(file);
      await new Promise<void>((r) => waiting.push(r));
    },
    release: () => waiting.splice(0).forEach((r) => r()),
  };
  return disk;
}

