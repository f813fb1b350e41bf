import type { StepContextData } from './execution.js';
import type { SerializedError } from './step-errors.js';

/** Parent → child: what to run, with the step context's data (functions are rebuilt in the child). */
export interface RunMessage {
  readonly type: 'run';
  /** Absolute path of the step module. */
  readonly module: string;
  readonly exportName: string;
  readonly context: StepContextData;
}

/** Parent → child: the run was cancelled or the step timed out; the child is killed after a grace period. */
export interface AbortMessage {
  readonly type: 'abort';
}

export type ParentMessage = RunMessage | AbortMessage;

/** Child → parent. */
export type ChildMessage =
  | { readonly type: 'log'; readonly message: string }
  | { readonly type: 'progress'; readonly done: number; readonly total?: number | undefined; readonly message?: string | undefined }
  | { readonly type: 'metric'; readonly name: string; readonly value: number }
  | { readonly type: 'result'; readonly metrics?: Readonly<Record<string, number>> | undefined }
  | { readonly type: 'error'; readonly error: SerializedError };
