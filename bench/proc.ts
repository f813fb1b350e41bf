import { readFileSync, readdirSync } from 'node:fs';

/**
 * A process and its descendants, from /proc (Linux; elsewhere just the pid).
 * The server may fork workers (`serve --workers`, node:cluster), and those do
 * the serving: RSS and CPU must be summed over the whole tree, and cleanup
 * must reach them too.
 */
export function processTree(root: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [root];
  }
  const children = new Map<number, number[]>();
  for (const name of entries) {
    const ppid = parentOf(Number(name));
    if (ppid === undefined) continue;
    const list = children.get(ppid) ?? [];
    list.push(Number(name));
    children.set(ppid, list);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() ?? root;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** The fields of /proc/<pid>/stat (or /proc/<pid>/task/<tid>/stat) after the command name (which may hold spaces). */
function statFields(pid: number, tid?: number): string[] | undefined {
  try {
    const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

function parentOf(pid: number): number | undefined {
  const ppid = statFields(pid)?.[1];
  return ppid === undefined ? undefined : Number(ppid);
}

/** User + system CPU clock ticks of one process (0 once it has gone). */
export function cpuTicks(pid: number): number {
  const fields = statFields(pid);
  return fields === undefined ? 0 : Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
}

/**
 * User + system CPU clock ticks of a process's main thread alone (its task
 * whose id is the pid): for Node, the event loop, apart from worker threads.
 */
export function mainThreadTicks(pid: number): number {
  const fields = statFields(pid, pid);
  return fields === undefined ? 0 : Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
}

/** Resident set size of one process in KiB, undefined once it has gone or off Linux. */
export function rssKiB(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

/** RSS summed over a process and its descendants; undefined when the root has gone. */
export function treeRssKiB(root: number): number | undefined {
  if (rssKiB(root) === undefined) return undefined;
  return processTree(root).reduce((sum, pid) => sum + (rssKiB(pid) ?? 0), 0);
}
