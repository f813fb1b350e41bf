import type { NamedTensors, Signature } from '../tensor/tensor.js';
import type { ServingFunction } from '../runtime/serving-function.js';
import type { ModelPackage } from '../package/read-package.js';

/** What one inference returns after post-processing. */
export interface InferResult {
  readonly outputs: NamedTensors;
  /** One label per instance, when the model is a classifier with labels. */
  readonly predictedLabels?: readonly string[];
  /** Per-instance extras from post-processing steps (e.g. `top_k`). */
  readonly extras: Readonly<Record<string, readonly unknown[]>>;
}

export interface InferOptions {
  readonly signature?: string;
  /** Outputs to compute; defaults to the signature's. */
  readonly outputs?: readonly string[];
}

/**
 * A model package made ready to serve: runtime + processing steps + labels,
 * with client-facing signatures (what the client sends, before pre-processing).
 */
export interface LoadedModel {
  readonly name: string;
  readonly version: string;
  readonly pkg: ModelPackage;
  readonly fn: ServingFunction;
  readonly signatures: Readonly<Record<string, Signature>>;
  readonly defaultSignature: string;
  readonly labels?: readonly string[];
  /** Open Inference Protocol platform string. */
  readonly platform: string;
  /** Every output the model can return (for OIP requested outputs). */
  readonly allOutputs: readonly string[];
  infer(inputs: NamedTensors, options?: InferOptions): Promise<InferResult>;
  dispose(): Promise<void>;
}
