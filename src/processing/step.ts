import type { NamedTensors } from '../tensor/tensor.js';

/** Which side of the runtime a step runs on: `pre` sees request tensors, `post` sees model outputs. */
export type Stage = 'pre' | 'post';

/**
 * What flows through a chain of processing steps.
 *
 * Steps return a context rather than mutating their argument in place, so a
 * step can be unit-tested on a literal and a chain never sees half-applied
 * state; the built-ins return shallow copies. "Per-instance" means one entry
 * per row of the batch (the first dimension of the tensors), in batch order.
 */
export interface StepContext {
  /** Current tensors: the request's inputs in `pre`, the model's outputs in `post`. */
  tensors: NamedTensors;
  /** The package's class labels, index order (absent when the package has none). */
  readonly labels?: readonly string[];
  /** One label per instance, set by `argmax-label`. */
  predictedLabels?: string[];
  /** Per-instance extras (e.g. `top_k`, `flag`) keyed by name; each array has one entry per instance. */
  extras: Record<string, unknown[]>;
}

export interface ProcessingStep {
  /** The manifest `type` this step was built from (`standardize`, `module`, ...). */
  readonly type: string;
  /** Where it sits in the manifest, e.g. `preprocess[0] (standardize)`; used in error messages. */
  readonly location: string;
  apply(ctx: StepContext): Promise<StepContext> | StepContext;
}

/** A fresh context for one batch. */
export function createStepContext(tensors: NamedTensors, labels?: readonly string[]): StepContext {
  return labels === undefined ? { tensors, extras: {} } : { tensors, labels, extras: {} };
}
