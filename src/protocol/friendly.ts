import type { NamedTensors, Tensor } from '../tensor/tensor.js';
import { MlError } from '../errors/ml-error.js';
import { formatNames, isJsonObject, jsonTypeName } from './format.js';
import { jsonNested, toFlatJson, type JsonTensorValue } from './json-write.js';

/**
 * The friendly JSON API: `{"instances": [...], "keys"?: [...], "signature"?: "..."}`
 * in, `{"predictions": [...]}` out, one prediction per instance (TF Serving /
 * KServe v1 style). Batching instances into tensors lives in instances.ts.
 */
export { instancesToTensors } from './instances.js';

export type InstanceKey = string | number;

export interface PredictRequest {
  readonly instances: unknown[];
  /** Client correlation keys, one per instance, echoed back beside the predictions. */
  readonly keys?: InstanceKey[];
  readonly signature?: string;
  readonly parameters?: Record<string, unknown>;
}

export function decodePredictRequest(body: unknown): PredictRequest {
  if (!isJsonObject(body)) invalid(`the body must be a JSON object, got ${jsonTypeName(body)}`);
  const { keys, signature, parameters } = body;
  if (body.instances !== undefined && body.inputs !== undefined) {
    invalid('send the batch as "instances" or as "inputs", not both');
  }
  // KServe v1 also accepts the batch under "inputs".
  const instances = body.instances ?? body.inputs;
  if (!Array.isArray(instances)) {
    if (body.instances === undefined && body.inputs !== undefined) {
      invalid(`"inputs" must be an array of instances (the columnar format is not supported), got ${jsonTypeName(body.inputs)}`);
    }
    throw new MlError('MISSING_FIELD', { field: 'instances' });
  }
  if (instances.length === 0) throw new MlError('EMPTY_BATCH', {});
  if (signature !== undefined && (typeof signature !== 'string' || signature.length === 0)) {
    invalid(`"signature" must be a non-empty string, got ${jsonTypeName(signature)}`);
  }
  if (parameters !== undefined && !isJsonObject(parameters)) {
    invalid(`"parameters" must be an object, got ${jsonTypeName(parameters)}`);
  }
  return {
    instances: instances as unknown[],
    ...(keys === undefined ? {} : { keys: checkKeys(keys, instances.length) }),
    ...(signature === undefined ? {} : { signature }),
    ...(parameters === undefined ? {} : { parameters }),
  };
}

function checkKeys(keys: unknown, instances: number): InstanceKey[] {
  if (!Array.isArray(keys)) invalid(`"keys" must be an array, got ${jsonTypeName(keys)}`);
  if (keys.length !== instances) throw new MlError('KEYS_LENGTH_MISMATCH', { keys: keys.length, instances });
  for (let i = 0; i < keys.length; i++) {
    const key: unknown = keys[i];
    if (typeof key !== 'string' && !(typeof key === 'number' && Number.isFinite(key))) {
      invalid(`keys[${i}] must be a string or a number, got ${jsonTypeName(key)}`);
    }
  }
  return keys as InstanceKey[];
}

/**
 * One prediction per instance: the row of the single output (a scalar for a
 * [N] output, nested arrays for [N, ...]), or an object keyed by output name
 * when `names` has several.
 */
export function tensorsToPredictions(outputs: NamedTensors, names: readonly string[]): unknown[] {
  if (names.length === 0) throw new MlError('INTERNAL', { reason: 'no outputs to turn into predictions' });
  const tensors = names.map((name) => {
    const tensor = Object.hasOwn(outputs, name) ? outputs[name] : undefined;
    if (tensor === undefined) throw new MlError('UNKNOWN_OUTPUT', { output: name, expected: formatNames(Object.keys(outputs)) });
    return tensor;
  });
  const batch = batchSize(tensors, names);
  const [single] = tensors;
  if (tensors.length === 1 && single !== undefined) return instanceRows(single, batch);
  const columns = tensors.map((tensor) => instanceRows(tensor, batch));
  const predictions = new Array<Record<string, JsonTensorValue>>(batch);
  for (let i = 0; i < batch; i++) {
    const prediction: Record<string, JsonTensorValue> = {};
    for (let k = 0; k < names.length; k++) prediction[names[k] as string] = (columns[k] as JsonTensorValue[])[i] as JsonTensorValue;
    predictions[i] = prediction;
  }
  return predictions;
}

/** All outputs must share the batch (first) dimension, or predictions cannot be split per instance. */
function batchSize(tensors: readonly Tensor[], names: readonly string[]): number {
  let batch = -1;
  tensors.forEach((tensor, k) => {
    const first = tensor.shape[0];
    if (first === undefined) {
      throw new MlError('INTERNAL', { reason: `output "${names[k]}" is a scalar and has no batch dimension to split into predictions` });
    }
    if (batch === -1) batch = first;
    else if (first !== batch) {
      throw new MlError('INTERNAL', { reason: `output "${names[k]}" has batch size ${first}, expected ${batch} like "${names[0]}"` });
    }
  });
  return batch;
}

function instanceRows(tensor: Tensor, batch: number): JsonTensorValue[] {
  // A [N] output: the flat values are already one scalar per instance.
  if (tensor.shape.length === 1) return toFlatJson(tensor);
  let rowSize = 1;
  for (let d = 1; d < tensor.shape.length; d++) rowSize *= tensor.shape[d] ?? 0;
  const rows = new Array<JsonTensorValue>(batch);
  for (let i = 0; i < batch; i++) rows[i] = jsonNested(tensor.data, tensor.dtype, tensor.shape, 1, i * rowSize);
  return rows;
}

function invalid(reason: string): never {
  throw new MlError('INVALID_REQUEST', { reason });
}
