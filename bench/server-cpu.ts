import { cpus } from 'node:os';
import { cpuSnapshot, type CpuSnapshot } from './cpu-usage.js';
import { mainThreadTicks, processTree } from './proc.js';

/** CPU the server used over a span, in cores' worth (null off Linux). */
export interface ServerCpu {
  /** The whole process tree: event loop, inference worker threads, libuv pool, cluster workers. */
  readonly cores: number;
  /**
   * The busiest main thread in the tree (the event loop, one per process).
   * Near 1 (or near what the other processes left of the cores) means the
   * event loop, where every request is parsed and every 503 is written, was
   * the bottleneck, not inference.
   */
  readonly eventLoopCores: number;
}

function mainThreads(pid: number): Map<number, number> {
  return new Map(processTree(pid).map((p) => [p, mainThreadTicks(p)]));
}

/** Starts measuring now; stop() gives the cores used since. */
export function measureServerCpu(pid: number): { stop(): ServerCpu | null } {
  const before: CpuSnapshot | undefined = cpuSnapshot([pid]);
  const threadsBefore = mainThreads(pid);
  return {
    stop(): ServerCpu | null {
      const after = cpuSnapshot([pid]);
      if (before === undefined || after === undefined || after.total <= before.total) return null;
      // Ticks of all CPUs together, per core: the wall time in ticks.
      const span = (after.total - before.total) / cpus().length;
      let busiest = 0;
      for (const [p, ticks] of mainThreads(pid)) busiest = Math.max(busiest, ticks - (threadsBefore.get(p) ?? 0));
      return { cores: (after.ours - before.ours) / span, eventLoopCores: busiest / span };
    },
  };
}
