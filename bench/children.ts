import type { ChildProcess } from 'node:child_process';
import { processTree } from './proc.js';

/**
 * Every child process the bench starts (servers, load and raw-onnxruntime
 * workers) is registered here, so that an error, Ctrl-C or a normal exit never
 * leaves a server holding a port and a core on the shared 2-core machine.
 */
const live = new Set<ChildProcess>();

export function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/**
 * SIGTERM then, if still there after graceMs, SIGKILL; resolves once it has
 * exited. Descendants it left behind (workers of a killed primary) are killed too.
 */
export async function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const descendants = processTree(child.pid).slice(1);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  for (const pid of descendants) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Exited with its parent, as it should.
    }
  }
}

/**
 * Synchronous last resort (process 'exit' handlers cannot await). Descendants
 * go first: a server's cluster workers would outlive a SIGKILLed primary.
 */
export function killAllNow(): void {
  for (const child of live) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) continue;
    for (const pid of processTree(child.pid).reverse()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}

let installed = false;

/** Kills the children on exit, Ctrl-C and SIGTERM. */
export function installCleanup(onSignal: () => void = () => undefined): void {
  if (installed) return;
  installed = true;
  process.once('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping child processes\n`);
      killAllNow();
      onSignal();
      process.exit(130);
    });
  }
}
