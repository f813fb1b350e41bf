import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MlError } from '../../errors/ml-error.js';
import type { ModuleStep } from '../definition.js';
import type { StepResult } from '../types.js';
import type { ChildMessage, ParentMessage } from './child-messages.js';
import { abortReason, contextData, type Execution } from './execution.js';
import { KILL_GRACE_MS, signalTree } from './kill-tree.js';
import { LogTail, stderrText } from './log-tail.js';
import { deserializeError } from './step-errors.js';

/** The child's script: child-entry.js beside this file in dist, child-entry.ts when running from source. */
const CHILD_ENTRY = fileURLToPath(new URL(`./child-entry${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));
const TYPESCRIPT = /\.(?:[cm]?ts|tsx)$/;
let tsxLoader: string | undefined;

/**
 * tsx's loader as an absolute URL: `--import tsx` would be resolved from the
 * step's cwd (the pipeline folder), which need not see mlpatterns' node_modules.
 */
function tsxImport(): string {
  tsxLoader ??= pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return tsxLoader;
}

/**
 * Runs a `run: ./module#export` step in a forked Node process: real parallelism
 * beside other steps, a crash or a leak stays in the child, and aborting kills
 * it. stdout/stderr lines become the step's log.
 */
export function executeModule(step: ModuleStep, execution: Execution): Promise<StepResult | void> {
  const needsTsx = TYPESCRIPT.test(step.module) || CHILD_ENTRY.endsWith('.ts');
  const child = fork(CHILD_ENTRY, [], {
    cwd: execution.workDir,
    // Not the runner's own flags (a test runner's, an inspector port): only what the step needs.
    execArgv: needsTsx ? ['--import', tsxImport()] : [],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    detached: true,
  });
  const stderr = new LogTail(20);
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => execution.report.logChunk(chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr.addChunk(chunk);
    execution.report.logChunk(chunk);
  });

  return new Promise<StepResult | void>((resolve, reject) => {
    let outcome: { result: StepResult } | { error: Error } | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    // The step first gets ctx.signal (it may clean up), then the kill.
    const onAbort = (): void => {
      if (child.connected) child.send({ type: 'abort' } satisfies ParentMessage, () => undefined);
      else signalTree(child, 'SIGTERM');
      killTimer = setTimeout(() => signalTree(child, 'SIGKILL'), KILL_GRACE_MS);
    };
    execution.signal.addEventListener('abort', onAbort, { once: true });

    child.on('message', (message: ChildMessage) => {
      switch (message.type) {
        case 'log':
          execution.report.log(message.message);
          break;
        case 'progress':
          execution.report.progress(message.done, message.total, message.message);
          break;
        case 'metric':
          execution.report.metric(message.name, message.value);
          break;
        case 'result':
          outcome = { result: message.metrics === undefined ? {} : { metrics: message.metrics } };
          break;
        case 'error':
          outcome = { error: deserializeError(message.error) };
          break;
      }
    });
    child.on('error', (err) => {
      outcome ??= { error: err };
    });
    child.on('close', (code, signal) => {
      execution.signal.removeEventListener('abort', onAbort);
      if (killTimer !== undefined) clearTimeout(killTimer);
      stderr.flush();
      if (execution.signal.aborted) return reject(abortReason(execution.signal));
      if (outcome !== undefined && 'result' in outcome) return resolve(outcome.result);
      if (outcome !== undefined) return reject(outcome.error);
      reject(
        new MlError('STEP_PROCESS_FAILED', {
          step: execution.step,
          outcome: signal === null ? `exited with code ${code ?? '?'}` : `was killed by ${signal}`,
          stderr: stderrText(stderr.tail()),
        }),
      );
    });
    child.send({
      type: 'run',
      module: step.module,
      exportName: step.exportName,
      context: contextData(execution),
    } satisfies ParentMessage);
  });
}

