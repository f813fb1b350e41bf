import type { PipelineStorage, StepResult, StepRunInfo } from '../types.js';
import type { StepReporter } from './step-tracker.js';

/** Everything one attempt of a step gets, whatever kind of step it is. */
export interface Execution {
  readonly run: StepRunInfo;
  readonly step: string;
  /** What the step sees as `ctx.params`: its listed pipeline parameters and its filled `with:`. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Every pipeline parameter (`{params.X}` in a command may name any). */
  readonly pipelineParams: Readonly<Record<string, unknown>>;
  /** Input name → local folder of the upstream artifact. */
  readonly inputs: Readonly<Record<string, string>>;
  /** Output name → empty folder to fill. */
  readonly outputs: Readonly<Record<string, string>>;
  readonly workDir: string;
  readonly storage: PipelineStorage;
  /** Aborted on cancel or timeout: the attempt must stop (children are killed). */
  readonly signal: AbortSignal;
  readonly report: StepReporter & { logChunk(chunk: string): void };
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
