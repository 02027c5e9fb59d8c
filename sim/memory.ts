import type { MemoryReport } from '@okienko/protocol';

/**
 * This process's memory. Under node --expose-gc (the soak bench starts its processes so) a full
 * collection comes first, so a leak shows as a rising line; a production process never forces one.
 */
export function memoryReport(): MemoryReport {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc === 'function') gc();
  const m = process.memoryUsage();
  const mb = (bytes: number): number => bytes / 2 ** 20;
  return { rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed), heapAfterGcMb: typeof gc === 'function' ? mb(m.heapUsed) : null };
}
