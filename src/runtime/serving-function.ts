import type { NamedTensors, Signature } from '../tensor/tensor.js';

/**
 * The stateless serving function: the contract every runtime (onnx, function,
 * remote) implements. Any replica gives identical outputs for identical inputs.
 * Inputs reaching `run` have already been validated against the signature.
 */
export interface ServingFunction {
  /** Signatures by name; the model's own (internal) names. */
  readonly signatures: Readonly<Record<string, Signature>>;
  readonly defaultSignature: string;
  /**
   * Runs one batch. `outputs` names the outputs to compute (defaults to the
   * signature's). Runtimes with a graph (onnx) accept any output of the model
   * there; others accept only the signature's.
   */
  run(inputs: NamedTensors, options?: RunOptions): Promise<NamedTensors>;
  /** Releases native resources. Called once, after the last in-flight run. */
  dispose(): Promise<void>;
}

export interface RunOptions {
  readonly signature?: string;
  readonly outputs?: readonly string[];
}
