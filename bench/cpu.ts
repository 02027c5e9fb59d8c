import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * CPU time per process over a run, read from Linux's /proc: what each part of a pipeline costs
 * per event, beside the floor's parts. The rate figures alone can't say why a ratio is what it is:
 * on a machine with two cores every process of the run (publisher, broker, bridge, database)
 * takes its time from the same two, so a rate ratio is bounded by the ratio of the CPU time all of
 * them spend per event.
 */

/** A process to meter: a pid (with its children, living and ended), or this process. */
export type Metered = number | 'self';

/** Microseconds of CPU per process name, over the run between start and stop. */
export type CpuUse = Record<string, number>;

let ticks: number | null = null;
/** Microseconds per clock tick, the unit of /proc's times (USER_HZ, 100 almost everywhere). */
function microsPerTick(): number {
  if (ticks === null) {
    const hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    ticks = 1e6 / (Number.isFinite(hz) && hz > 0 ? hz : 100);
  }
  return ticks;
}

/** Fields of /proc/PID/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid: number): string[] | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null; // gone between the listing and the read
  }
}

/** One reading of every living process: its parent, and its CPU time with that of the children it has waited for. */
interface ProcessTimes {
  /** pid → the pids whose parent it is. */
  parents: Map<number, number[]>;
  /** pid → utime + stime + cutime + cstime, in µs. */
  micros: Map<number, number>;
}

/** Every living process, each /proc/PID/stat read once. */
function processTimes(): ProcessTimes {
  const parents = new Map<number, number[]>();
  const micros = new Map<number, number>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const f = statFields(pid);
    if (!f) continue;
    // Fields 14-17 of stat, counted from 1 with the pid and name as 1 and 2: its own time and
    // that of children it has waited for (a PostgreSQL backend that ended mid-run).
    micros.set(pid, (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * microsPerTick());
    const ppid = Number(f[1]);
    const siblings = parents.get(ppid);
    if (siblings) siblings.push(pid);
    else parents.set(ppid, [pid]);
  }
  return { parents, micros };
}

/** A process's CPU time with each living child's (threads are in their process's figures). */
function treeMicros(root: number, times: ProcessTimes): number {
  let t = times.micros.get(root) ?? 0;
  for (const child of times.parents.get(root) ?? []) t += treeMicros(child, times);
  return t;
}

function read(processes: Readonly<Record<string, Metered>>): CpuUse {
  const times = processTimes();
  const self = process.cpuUsage();
  return Object.fromEntries(Object.entries(processes).map(([name, p]) => [name, p === 'self' ? self.user + self.system : treeMicros(p, times)]));
}

/** Whether this system can be metered (Linux's /proc). */
export const canMeterCpu = (): boolean => process.platform === 'linux' && fs.existsSync('/proc/self/stat');

/** Starts metering now; the function returned stops and gives each process's CPU time since. */
export function meterCpu(processes: Readonly<Record<string, Metered>>): () => CpuUse {
  const before = read(processes);
  return () => {
    const after = read(processes);
    return Object.fromEntries(Object.keys(processes).map((name) => [name, after[name]! - before[name]!]));
  };
}

/** "broker 15.8, subscriber 9.2, publisher 11.5 = 36.5 µs": each per event, then their sum. */
export function perEvent(use: CpuUse, events: number): { text: string; total: number } {
  const parts = Object.entries(use).map(([name, us]) => [name, us / events] as const);
  const total = parts.reduce((sum, [, us]) => sum + us, 0);
  return { text: `${parts.map(([name, us]) => `${name} ${us.toFixed(1)}`).join(', ')} = ${total.toFixed(1)} µs`, total };
}
