import type { NamedTensors } from '../tensor/tensor.js';
import type { JsonScalar } from './json-write.js';

/**
 * Types of the Open Inference Protocol v2 (KServe v2 / Triton) codecs, shared
 * by the JSON and the binary-tensor-extension variants.
 */

/**
 * Which outputs go back as raw bytes (binary tensor extension). Triton's rule:
 * a per-output `parameters.binary_data` wins; otherwise the request-level
 * `parameters.binary_data_output` decides; otherwise JSON.
 */
export interface BinaryOutputSelection {
  /** Outputs whose request entry has `parameters.binary_data: true`. */
  readonly binaryOutputs: ReadonlySet<string>;
  /** Request-level `parameters.binary_data_output: true`. */
  readonly binaryOutputAll: boolean;
  /** Outputs whose request entry has `parameters.binary_data: false`; they override `binaryOutputAll`. */
  readonly jsonOutputs: ReadonlySet<string>;
}

/** Every output as JSON: the selection of a request that asked for nothing binary. */
export const JSON_OUTPUTS: BinaryOutputSelection = Object.freeze({
  binaryOutputs: new Set<string>(),
  binaryOutputAll: false,
  jsonOutputs: new Set<string>(),
});

export function isBinaryOutput(selection: BinaryOutputSelection, name: string): boolean {
  if (selection.binaryOutputs.has(name)) return true;
  return selection.binaryOutputAll && !selection.jsonOutputs.has(name);
}

/** Whether any of `names` goes back binary, i.e. the response needs encodeBinaryInferResponse. */
export function wantsBinaryOutputs(selection: BinaryOutputSelection, names: Iterable<string>): boolean {
  for (const name of names) if (isBinaryOutput(selection, name)) return true;
  return false;
}

/** A decoded inference request, the same for JSON and binary bodies. */
export interface InferRequest extends BinaryOutputSelection {
  readonly id?: string;
  /** Request-level `parameters` as sent (including `binary_data_output`). */
  readonly parameters?: Readonly<Record<string, unknown>>;
  /** `parameters.signature`: this server's extension to pick a named signature. */
  readonly signature?: string;
  /** Input tensors by name, in request order, shaped as declared by the client. */
  readonly inputs: NamedTensors;
  /** Output names the client asked for, in its order; undefined means all of the signature's. */
  readonly requestedOutputs?: readonly string[];
}

export interface InferResponseInit {
  readonly modelName: string;
  readonly modelVersion: string;
  /** Echo of the request id, if it had one. */
  readonly id?: string;
  readonly outputs: NamedTensors;
  /** Output names in response order (usually the request's `outputs`); defaults to the keys of `outputs`. */
  readonly order?: readonly string[];
  readonly parameters?: Readonly<Record<string, unknown>>;
}

export interface OipResponseOutput {
  name: string;
  datatype: string;
  shape: number[];
  /** Present on binary outputs only: the size of its bytes after the JSON header. */
  parameters?: { binary_data_size: number };
  /** Flat, row-major; absent on binary outputs. */
  data?: JsonScalar[];
}

export interface OipInferResponse {
  model_name: string;
  model_version: string;
  id?: string;
  parameters?: Record<string, unknown>;
  outputs: OipResponseOutput[];
}
