import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { stopChild, track } from './children.js';
import { CLI, ROOT } from './paths.js';

export interface ServerSpec {
  /** For progress lines and errors. */
  readonly label: string;
  /** Served as `--model <model> --name <name>`, or from a config file (models and services) when `config` is given. */
  readonly model: string;
  readonly name: string;
  readonly config?: string;
  /** Extra `serve` flags, e.g. ['--max-batch-size', '64']. */
  readonly flags: readonly string[];
}

export interface RunningServer {
  readonly spec: ServerSpec;
  readonly url: string;
  readonly child: ChildProcess;
  readonly pid: number;
}

const READY = /mlpatterns serving .* on (http:\/\/\S+)/;

/**
 * The long options `serve --help` lists. Flags the batching work adds may not
 * exist yet in the checkout being measured; scenarios that need one are then
 * reported as skipped instead of failing the whole run.
 */
export function supportedServeFlags(): Set<string> {
  const result = spawnSync(process.execPath, [CLI, 'serve', '--help'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`mlpatterns serve --help failed:\n${result.stdout}${result.stderr}`);
  return new Set(result.stdout.match(/--[a-z][a-z0-9-]*/g) ?? []);
}

/** The flags of args (the `--x` tokens) that the server does not know. */
export function missingFlags(args: readonly string[], supported: ReadonlySet<string>): string[] {
  return args.filter((a) => a.startsWith('--') && !supported.has(a));
}

/**
 * Starts `mlpatterns serve` from the built CLI on 127.0.0.1, port 0 (a free
 * port chosen by the OS, read back from the ready line), so runs never collide
 * with each other or with a developer's server on 8080.
 */
export async function startServer(spec: ServerSpec, stateDir: string, timeoutMs = 60_000): Promise<RunningServer> {
  const args = [
    CLI, 'serve',
    ...(spec.config !== undefined ? [spec.config] : ['--model', spec.model, '--name', spec.name]),
    '--host', '127.0.0.1',
    '--port', '0',
    '--log-level', 'silent',
    // Keeps the embedded registry's files out of the repository.
    '--state-dir', stateDir,
    ...spec.flags,
  ];
  const child = track(spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    // Only the tail matters for an error message; a crashing server could print a lot.
    stderr = (stderr + chunk).slice(-4000);
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        const match = READY.exec(stdout);
        if (match?.[1] !== undefined) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`exited before it was ready (code ${String(code)}, signal ${String(signal)})`));
      });
    });
    // Later stdout (the drain notice on SIGTERM) is not needed, but must be read so the pipe never fills.
    child.stdout?.resume();
    return { spec, url, child, pid: child.pid ?? -1 };
  } catch (err) {
    await stopChild(child, 1000);
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`server "${spec.label}" (${args.slice(1).join(' ')}) ${reason}\n${stderr}`);
  }
}

export async function stopServer(server: RunningServer): Promise<void> {
  await stopChild(server.child);
}

export function isAlive(server: RunningServer): boolean {
  return server.child.exitCode === null && server.child.signalCode === null;
}
