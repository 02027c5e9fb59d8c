/**
 * This process's memory, in MB. `heapAfterGc` is the JS heap after a full collection — live
 * objects only, so a leak shows as a rising line where the plain heap figure swings with garbage
 * not yet collected — and is there only when Node runs with --expose-gc (the soak bench starts
 * its processes so); a production process never forces collections.
 */
export interface MemoryReport {
  rssMb: number;
  heapUsedMb: number;
  heapAfterGcMb: number | null;
}

export function memoryReport(): MemoryReport {
  const gc = (globalThis as { gc?: () => void }).gc;
  let heapAfterGcMb: number | null = null;
  if (typeof gc === 'function') {
    gc();
    heapAfterGcMb = process.memoryUsage().heapUsed / 2 ** 20;
  }
  const m = process.memoryUsage();
  return { rssMb: m.rss / 2 ** 20, heapUsedMb: m.heapUsed / 2 ** 20, heapAfterGcMb };
}
