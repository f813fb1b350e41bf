import type { ChildProcess } from 'node:child_process';

/**
 * Signals a step's process and whatever it started: step processes are spawned
 * `detached` (their own process group, so a terminal's Ctrl-C reaches only the
 * runner, which then stops them in order), hence the negative pid.
 */
export function signalTree(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

/** How long a step gets to stop on its own (ctx.signal / SIGTERM) before SIGKILL. */
export const KILL_GRACE_MS = 2000;
