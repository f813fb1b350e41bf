import type { NamedTensors, Signature, TensorSpec } from '../tensor/tensor.js';
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
  /** performance.now() time after which a request not yet running is refused (504). */
  readonly deadline?: number;
  /** The deadline in ms, for the error message. */
  readonly deadlineMs?: number;
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
  /**
   * The outputs a request on `signature` may name (Open Inference Protocol
   * `outputs`), which are also those returned when it names none: every graph
   * output for ONNX (as Triton does), the signature's own for function models.
   */
  availableOutputs(signature: string): readonly string[];
  /** Specs of every output of the model, across signatures. */
  readonly outputSpecs: readonly TensorSpec[];
  infer(inputs: NamedTensors, options?: InferOptions): Promise<InferResult>;
  dispose(): Promise<void>;
}
