import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MlError } from '../../errors/ml-error.js';
import type { CommandStep } from '../definition.js';
import { fillPlaceholders } from '../placeholders.js';
import type { StepResult } from '../types.js';
import { abortReason, type Execution } from './execution.js';
import { KILL_GRACE_MS, signalTree } from './kill-tree.js';
import { LogTail, stderrText } from './log-tail.js';
import { stepEnv } from './step-env.js';

/**
 * Runs a `command:` step: placeholders filled, cwd = the pipeline folder, the
 * MLP_* environment (step-env.ts). Exit 0 is success; anything else is an
 * error with the exit code and the last stderr lines. Metrics the command
 * writes to $MLP_METRICS_FILE (`{"name": number}`) become the step's metrics.
 */
export async function executeCommand(step: CommandStep, execution: Execution): Promise<StepResult> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'mlp-step-'));
  try {
    const files = { params: path.join(scratch, 'params.json'), metrics: path.join(scratch, 'metrics.json') };
    await writeFile(files.params, JSON.stringify(execution.params, null, 2));
    const argv = step.command.map((arg) => fillPlaceholders(arg, { inputs: execution.inputs, outputs: execution.outputs, params: execution.pipelineParams }));
    await spawnCommand(argv, execution, stepEnv(execution, files));
    return { metrics: await readMetrics(files.metrics, execution) };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function spawnCommand(argv: readonly string[], execution: Execution, env: Record<string, string>): Promise<void> {
  const [program = '', ...args] = argv;
  const shown = JSON.stringify(argv.join(' ').length > 200 ? `${argv.join(' ').slice(0, 200)}…` : argv.join(' '));
  return new Promise<void>((resolve, reject) => {
    const child = spawn(program, args, { cwd: execution.workDir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const stderr = new LogTail(20);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => execution.report.logChunk(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr.addChunk(chunk);
      execution.report.logChunk(chunk);
    });
    let spawnError: Error | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      signalTree(child, 'SIGTERM');
      killTimer = setTimeout(() => signalTree(child, 'SIGKILL'), KILL_GRACE_MS);
    };
    execution.signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (err) => (spawnError = err));
    child.on('close', (code, signal) => {
      execution.signal.removeEventListener('abort', onAbort);
      if (killTimer !== undefined) clearTimeout(killTimer);
      stderr.flush();
      if (execution.signal.aborted) return reject(abortReason(execution.signal));
      if (code === 0) return resolve();
      const outcome =
        spawnError !== undefined
          ? `could not start: ${(spawnError as NodeJS.ErrnoException).code === 'ENOENT' ? `"${program}" was not found` : spawnError.message}`
          : signal !== null
            ? `was killed by ${signal}`
            : `exited with code ${code ?? '?'}`;
      reject(new MlError('STEP_COMMAND_FAILED', { step: execution.step, command: shown, outcome, stderr: stderrText(stderr.tail()) }));
    });
  });
}

/** `{"name": number}` from the metrics file, if the command wrote one; anything else there is an error. */
async function readMetrics(file: string, execution: Execution): Promise<Record<string, number>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`step "${execution.step}": $MLP_METRICS_FILE is not JSON: ${(err as Error).message}`, { cause: err });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`step "${execution.step}": $MLP_METRICS_FILE must hold a JSON object of numbers`);
  const metrics: Record<string, number> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value === 'number' && Number.isFinite(value)) metrics[name] = value;
    else execution.report.log(`metric "${name}" from $MLP_METRICS_FILE ignored: ${JSON.stringify(value)} is not a finite number`);
  }
  return metrics;
}
