import type { NamedTensors, Tensor } from '../tensor/tensor.js';
import { elementCount } from '../tensor/tensor.js';
import { toOipDatatype } from '../tensor/dtype.js';
import { MlError } from '../errors/ml-error.js';
import { fromJsonData } from './convert.js';
import { formatNames, formatShape } from './format.js';
import { toFlatJson } from './json-write.js';
import { parseInferRequestObject, type RawInferInput, type RawInferRequest } from './oip-request.js';
import type { InferRequest, InferResponseInit, OipInferResponse, OipResponseOutput } from './oip-types.js';

export type { InferRequest, InferResponseInit, OipInferResponse, OipResponseOutput } from './oip-types.js';

/**
 * Open Inference Protocol v2 over plain JSON (`POST /v2/models/{m}/infer`,
 * Content-Type application/json). `data` may be flat or nested; the tensor
 * always takes the declared `shape`, which must account for every element.
 */
export function decodeInferRequest(body: unknown): InferRequest {
  const raw = parseInferRequestObject(body);
  // Null prototype: an input named "__proto__" stays an input (then UNKNOWN_INPUT unless the
  // model has one) instead of replacing the object's prototype and vanishing.
  const inputs = Object.create(null) as NamedTensors;
  for (const input of raw.inputs) {
    if (input.binaryDataSize !== undefined) {
      throw new MlError('INVALID_BINARY_PAYLOAD', {
        reason: `input "${input.name}" declares binary_data_size but the request has no binary data; send it as application/octet-stream with an Inference-Header-Content-Length header`,
      });
    }
    inputs[input.name] = jsonInputTensor(input);
  }
  return toInferRequest(raw, inputs);
}

/** Reads one input's JSON `data` and gives it the declared shape. */
export function jsonInputTensor(input: RawInferInput): Tensor {
  const { data, shape } = fromJsonData(input.data, input.dtype, input.name);
  const declared = elementCount(input.shape);
  if (data.length !== declared) {
    throw new MlError('INVALID_SHAPE', {
      input: input.name,
      reason: `shape ${formatShape(input.shape)} has ${declared} elements but data has ${data.length}${shape.length > 1 ? ` (nested as ${formatShape(shape)})` : ''}`,
    });
  }
  return { dtype: input.dtype, shape: input.shape, data };
}

export function toInferRequest(raw: RawInferRequest, inputs: NamedTensors): InferRequest {
  return {
    ...(raw.id === undefined ? {} : { id: raw.id }),
    ...(raw.parameters === undefined ? {} : { parameters: raw.parameters }),
    ...(raw.signature === undefined ? {} : { signature: raw.signature }),
    inputs,
    ...(raw.requestedOutputs === undefined ? {} : { requestedOutputs: raw.requestedOutputs }),
    binaryOutputs: raw.binaryOutputs,
    binaryOutputAll: raw.binaryOutputAll,
    jsonOutputs: raw.jsonOutputs,
  };
}

/** The JSON response: every output with flat `data`. */
export function encodeInferResponse(init: InferResponseInit): OipInferResponse {
  return responseEnvelope(init, orderedOutputs(init).map(([name, tensor]) => jsonOutput(name, tensor)));
}

export function jsonOutput(name: string, tensor: Tensor): OipResponseOutput {
  return { name, datatype: toOipDatatype(tensor.dtype), shape: [...tensor.shape], data: toFlatJson(tensor) };
}

export function responseEnvelope(init: InferResponseInit, outputs: OipResponseOutput[]): OipInferResponse {
  return {
    model_name: init.modelName,
    model_version: init.modelVersion,
    ...(init.id === undefined ? {} : { id: init.id }),
    ...(init.parameters === undefined ? {} : { parameters: { ...init.parameters } }),
    outputs,
  };
}

/** Outputs in response order; a name in `order` the model did not return is UNKNOWN_OUTPUT. */
export function orderedOutputs(init: InferResponseInit): [string, Tensor][] {
  const names = init.order ?? Object.keys(init.outputs);
  return names.map((name) => {
    const tensor = Object.hasOwn(init.outputs, name) ? init.outputs[name] : undefined;
    if (tensor === undefined) {
      throw new MlError('UNKNOWN_OUTPUT', { output: name, expected: formatNames(Object.keys(init.outputs)) });
    }
    return [name, tensor];
  });
}
