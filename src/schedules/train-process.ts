import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Runs `mlpatterns train <pipeline> --json` as a child process: the one way
 * schedules (`train:`) and monitoring triggers (`pipeline:`) start training.
 * Training never loads into the serving process (its runner, trainers and
 * step modules live in the child), and a crash or a leak of a training run
 * cannot take the server down with it.
 */

/** `node <package>/bin/mlpatterns.js`: the CLI of the same mlpatterns install (src/ and dist/ sit two levels below it). */
export const DEFAULT_TRAIN_COMMAND: readonly string[] = [process.execPath, fileURLToPath(new URL('../../bin/mlpatterns.js', import.meta.url))];

/** Storage flags handed to the child, so it registers where the serving config's registry is. */
export interface TrainStorage {
  readonly stateDir: string;
  readonly metadata?: string | undefined;
  readonly artifacts?: string | undefined;
}

export interface TrainProcessOptions {
  /** pipeline.yaml (absolute, or relative to `cwd`). */
  readonly pipeline: string;
  /** `--param name=value` for each. */
  readonly params?: Readonly<Record<string, string | number | boolean>>;
  /** Passed as --state-dir/--metadata/--artifacts; left out: the pipeline file's own `storage:`. */
  readonly storage?: TrainStorage | undefined;
  /** The child's working directory. @default process.cwd() */
  readonly cwd?: string | undefined;
  /** Extra environment (e.g. MLPATTERNS_TRIGGER with what fired a trigger). */
  readonly env?: Readonly<Record<string, string>>;
  /** Aborting stops the run: SIGTERM (the CLI cancels its steps and records the run cancelled), SIGKILL after the grace. */
  readonly signal?: AbortSignal | undefined;
  /** Stops the run, like `signal`, after this long. @default no limit */
  readonly timeoutMs?: number | undefined;
  /** The CLI to run, argv before `train`. @default DEFAULT_TRAIN_COMMAND */
  readonly command?: readonly string[] | undefined;
}

/** What a training run came to, from the `--json` summary the child prints. */
export interface TrainProcessResult {
  readonly runId: string | null;
  /** The run's status (`succeeded`, `failed`, `rejected`, `cancelled`), or `error` when the child printed no summary. */
  readonly status: string;
  readonly exitCode: number | null;
  /** Steps by status: `{ succeeded: 3, cached: 2 }`. */
  readonly steps: Readonly<Record<string, number>>;
  /** Metrics the steps reported, as `<step>.<metric>`. */
  readonly metrics: Readonly<Record<string, number>>;
  /** The run's error (failed, cancelled) or gate reasons (rejected). */
  readonly error: string | null;
  /** The last lines the child wrote on stderr (its progress and summary). */
  readonly stderrTail: string;
}

/** How long the run gets to cancel its steps after SIGTERM before it is killed. */
const KILL_GRACE_MS = 10_000;
const STDERR_TAIL_CHARS = 4000;

export function trainArgs(options: TrainProcessOptions): string[] {
  const args = ['train', options.pipeline, '--json'];
  for (const [name, value] of Object.entries(options.params ?? {})) args.push('--param', `${name}=${String(value)}`);
  const { storage } = options;
  if (storage !== undefined) {
    args.push('--state-dir', storage.stateDir);
    if (storage.metadata !== undefined) args.push('--metadata', storage.metadata);
    if (storage.artifacts !== undefined) args.push('--artifacts', storage.artifacts);
  }
  return args;
}

/** Runs the pipeline to the end; resolves with its result whatever the run's status (the caller decides what fails). */
export function runTrainProcess(options: TrainProcessOptions): Promise<TrainProcessResult> {
  const [executable, ...prefix] = options.command ?? DEFAULT_TRAIN_COMMAND;
  if (executable === undefined) throw new Error('runTrainProcess: the command is empty');
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted === true) {
      reject(new Error('stopped before the training run started'));
      return;
    }
    const child = spawn(executable, [...prefix, ...trainArgs(options)], {
      cwd: options.cwd ?? process.cwd(),
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-STDERR_TAIL_CHARS * 4)));
    let stopReason: string | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (reason: string): void => {
      if (stopReason !== undefined || child.exitCode !== null) return;
      stopReason = reason;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    };
    const onAbort = (): void => stop('stopped: the scheduler shut down');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timeout = options.timeoutMs !== undefined ? setTimeout(() => stop(`timed out after ${options.timeoutMs} ms`), options.timeoutMs) : undefined;
    timeout?.unref();
    const cleanup = (): void => {
      options.signal?.removeEventListener('abort', onAbort);
      clearTimeout(timeout);
      clearTimeout(killTimer);
    };
    child.once('error', (err) => {
      cleanup();
      reject(new Error(`cannot start the training process (${executable}): ${err.message}`, { cause: err }));
    });
    child.once('close', (code) => {
      cleanup();
      const result = parseSummary(stdout, code, tail(stderr));
      resolve(stopReason === undefined ? result : { ...result, status: result.status === 'error' ? 'cancelled' : result.status, error: stopReason });
    });
  });
}

interface SummaryJson {
  readonly run?: { readonly id?: unknown; readonly status?: unknown; readonly error?: unknown };
  readonly steps?: readonly { readonly step?: unknown; readonly status?: unknown; readonly metrics?: unknown; readonly reasons?: unknown }[];
}

function parseSummary(stdout: string, exitCode: number | null, stderrTail: string): TrainProcessResult {
  let summary: SummaryJson | undefined;
  try {
    summary = JSON.parse(stdout) as SummaryJson;
  } catch {
    summary = undefined;
  }
  const run = summary?.run;
  if (run === undefined || typeof run.status !== 'string') {
    return { runId: null, status: 'error', exitCode, steps: {}, metrics: {}, error: lastLines(stderrTail, 5) || `exit code ${exitCode}`, stderrTail };
  }
  const steps: Record<string, number> = {};
  const metrics: Record<string, number> = {};
  const reasons: string[] = [];
  for (const step of summary?.steps ?? []) {
    const status = String(step.status);
    steps[status] = (steps[status] ?? 0) + 1;
    if (step.metrics !== null && typeof step.metrics === 'object') {
      for (const [name, value] of Object.entries(step.metrics)) if (typeof value === 'number') metrics[`${String(step.step)}.${name}`] = value;
    }
    if (Array.isArray(step.reasons)) reasons.push(...step.reasons.map(String));
  }
  const error = run.status === 'rejected' && reasons.length > 0 ? reasons.join('; ') : typeof run.error === 'string' ? run.error : null;
  return { runId: typeof run.id === 'string' ? run.id : null, status: run.status, exitCode, steps, metrics, error, stderrTail };
}

function tail(text: string): string {
  return text.length <= STDERR_TAIL_CHARS ? text : text.slice(-STDERR_TAIL_CHARS);
}

function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join('\n');
}
