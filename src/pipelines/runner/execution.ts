import type { StepContext, StepResult } from '../types.js';
import type { StepReporter } from './step-tracker.js';

/**
 * The data of a step's context, without its signal and callbacks: what a forked step's
 * process receives (it makes the callbacks itself), and what an in-process context spreads.
 */
export type StepContextData = Omit<StepContext, 'signal' | 'log' | 'progress' | 'metric'>;

/** Everything one attempt of a step gets, whatever kind of step it is. */
export interface Execution extends StepContextData {
  /** Every pipeline parameter (`{params.X}` in a command may name any). */
  readonly pipelineParams: Readonly<Record<string, unknown>>;
  /** Aborted on cancel or timeout: the attempt must stop (children are killed). */
  readonly signal: AbortSignal;
  readonly report: StepReporter & { logChunk(chunk: string): void };
}

/** The context data of an attempt, without what only the runner needs (all pipeline parameters, the reporter). */
export function contextData(execution: Execution): StepContextData {
  const { run, step, params, inputs, outputs, workDir, storage } = execution;
  return { run, step, params, inputs, outputs, workDir, storage };
}

export type Executor = (execution: Execution) => Promise<StepResult | void>;

/** Why a signal aborted, as an Error (a timeout's MlError, a cancel's reason). */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(typeof reason === 'string' ? reason : 'aborted');
}

/** Rejects as soon as the signal aborts (with its reason), else settles as `work` does. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
