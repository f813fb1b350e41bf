import { StepRejectedError } from '../types.js';

/**
 * A StepRejectedError, recognised by shape as well as by class: a step module
 * may import the class from mlpatterns' dist or src, or it may come back from a
 * child process, where `instanceof` cannot see it.
 */
export function asRejection(err: unknown): StepRejectedError | undefined {
  if (err instanceof StepRejectedError) return err;
  if (err instanceof Error && err.name === 'StepRejectedError') {
    const reasons = (err as { reasons?: unknown }).reasons;
    return new StepRejectedError(err.message, Array.isArray(reasons) ? reasons.map(String) : []);
  }
  return undefined;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** An error as it crosses the IPC channel from a step's child process. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string | undefined;
  readonly reasons?: readonly string[] | undefined;
}

export function serializeError(err: unknown): SerializedError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const reasons = (err as { reasons?: unknown }).reasons;
  return { name: err.name, message: err.message, stack: err.stack, reasons: Array.isArray(reasons) ? reasons.map(String) : undefined };
}

export function deserializeError(data: SerializedError): Error {
  if (data.name === 'StepRejectedError') return new StepRejectedError(data.message, data.reasons ?? []);
  const err = new Error(data.message);
  err.name = data.name;
  if (data.stack !== undefined) err.stack = data.stack;
  return err;
}
