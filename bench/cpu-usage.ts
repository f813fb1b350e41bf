import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { cpuTicks, processTree } from './proc.js';

/**
 * CPU used by processes that are not the bench's own. Server and load
 * generator share 2 cores, so a build or a test run elsewhere on the machine
 * changes every figure; measuring it per step tells a clean run from a
 * disturbed one. Linux only (/proc); elsewhere it reads as unknown.
 */
/** Below this many cores of other work, a step is not flagged as disturbed. */
export const FOREIGN_CPU_NOTICE = 0.1;

export interface CpuSnapshot {
  /** All CPUs, in clock ticks. */
  readonly total: number;
  readonly busy: number;
  /** User + system ticks of the given processes and their descendants. */
  readonly ours: number;
}

function systemTicks(): { total: number; busy: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    // cpu user nice system idle iowait irq softirq steal …
    const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { total, busy: total - idle };
  } catch {
    return undefined;
  }
}

export function cpuSnapshot(pids: readonly number[]): CpuSnapshot | undefined {
  const system = systemTicks();
  if (system === undefined) return undefined;
  // Descendants count as ours: server workers, and the esbuild helper tsx starts.
  const ours = new Set(pids.flatMap((pid) => processTree(pid)));
  return { ...system, ours: [...ours].reduce((sum, pid) => sum + cpuTicks(pid), 0) };
}

/**
 * Cores' worth of CPU that other processes used between two snapshots. A
 * process of ours that exited in between makes this an overestimate.
 */
export function foreignCores(before: CpuSnapshot | undefined, after: CpuSnapshot | undefined): number | null {
  if (before === undefined || after === undefined || after.total <= before.total) return null;
  const foreign = after.busy - before.busy - (after.ours - before.ours);
  return Math.max(0, (foreign / (after.total - before.total)) * cpus().length);
}

/** Other processes' CPU use over a short idle wait, before anything of the bench runs. */
export async function foreignCoresNow(ms: number): Promise<number | null> {
  const before = cpuSnapshot([process.pid]);
  await new Promise((resolve) => setTimeout(resolve, ms));
  return foreignCores(before, cpuSnapshot([process.pid]));
}
