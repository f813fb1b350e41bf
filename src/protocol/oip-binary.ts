import type { NamedTensors } from '../tensor/tensor.js';
import { toOipDatatype } from '../tensor/dtype.js';
import { MlError } from '../errors/ml-error.js';
import { jsonInputTensor, jsonOutput, orderedOutputs, responseEnvelope, toInferRequest } from './oip-json.js';
import { parseInferRequestObject } from './oip-request.js';
import { decodeTensorBytes, encodeTensorBytes } from './tensor-bytes.js';
import {
  isBinaryOutput,
  type BinaryOutputSelection,
  type InferRequest,
  type InferResponseInit,
  type OipResponseOutput,
} from './oip-types.js';

/**
 * The binary tensor data extension (Triton / KServe v2): the body is a JSON
 * header of `Inference-Header-Content-Length` bytes followed by the raw bytes
 * of every input that declares `parameters.binary_data_size`, in the order of
 * the `inputs` array. Inputs without it carry JSON `data` as usual.
 */
export function decodeBinaryInferRequest(body: Uint8Array, headerLength: number): InferRequest {
  if (!Number.isSafeInteger(headerLength) || headerLength <= 0) {
    throw new MlError('INVALID_BINARY_PAYLOAD', {
      reason: `Inference-Header-Content-Length must be a positive integer, got ${String(headerLength)}`,
    });
  }
  if (headerLength > body.length) {
    throw new MlError('INVALID_BINARY_PAYLOAD', {
      reason: `Inference-Header-Content-Length is ${headerLength} but the body has only ${body.length} bytes`,
    });
  }
  const raw = parseInferRequestObject(parseHeader(body, headerLength));

  // Null prototype: an input named "__proto__" stays an input (then UNKNOWN_INPUT unless the
  // model has one) instead of replacing the object's prototype and vanishing.
  const inputs = Object.create(null) as NamedTensors;
  let pos = headerLength;
  for (const input of raw.inputs) {
    if (input.binaryDataSize === undefined) {
      inputs[input.name] = jsonInputTensor(input);
      continue;
    }
    const end = pos + input.binaryDataSize;
    if (end > body.length) {
      throw new MlError('INVALID_BINARY_PAYLOAD', {
        reason: `input "${input.name}" declares binary_data_size ${input.binaryDataSize} but only ${body.length - pos} bytes of binary data remain`,
      });
    }
    inputs[input.name] = {
      dtype: input.dtype,
      shape: input.shape,
      data: decodeTensorBytes(body.subarray(pos, end), input.dtype, input.shape, input.name),
    };
    pos = end;
  }
  if (pos !== body.length) {
    throw new MlError('INVALID_BINARY_PAYLOAD', {
      reason: `the inputs' binary_data_size values add up to ${pos - headerLength} bytes but ${body.length - headerLength} bytes follow the JSON header`,
    });
  }
  return toInferRequest(raw, inputs);
}

function parseHeader(body: Uint8Array, headerLength: number): unknown {
  const text = Buffer.from(body.buffer, body.byteOffset, headerLength).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new MlError('INVALID_BINARY_PAYLOAD', {
      reason: `the JSON header (the first ${headerLength} bytes, per Inference-Header-Content-Length) is not valid JSON: ${detail}`,
    });
  }
}

export interface BinaryInferResponse {
  /** JSON header followed by the binary outputs' bytes in `outputs` order. */
  readonly body: Buffer;
  /** Value for the Inference-Header-Content-Length response header. */
  readonly headerLength: number;
  /**
   * False when every output went out as JSON: then `body` is plain JSON
   * (headerLength === body.length) and can be sent as application/json
   * without Inference-Header-Content-Length.
   */
  readonly hasBinaryData: boolean;
}

/**
 * Encodes a response where outputs picked by `selection` (pass the decoded
 * InferRequest) carry `parameters.binary_data_size` and no `data`, their bytes
 * appended after the JSON header; the other outputs keep JSON `data`.
 */
export function encodeBinaryInferResponse(init: InferResponseInit, selection: BinaryOutputSelection): BinaryInferResponse {
  const chunks: Uint8Array[] = [];
  let binaryBytes = 0;
  const outputs = orderedOutputs(init).map(([name, tensor]): OipResponseOutput => {
    if (!isBinaryOutput(selection, name)) return jsonOutput(name, tensor);
    const bytes = encodeTensorBytes(tensor);
    chunks.push(bytes);
    binaryBytes += bytes.length;
    return {
      name,
      datatype: toOipDatatype(tensor.dtype),
      shape: [...tensor.shape],
      parameters: { binary_data_size: bytes.length },
    };
  });
  const header = Buffer.from(JSON.stringify(responseEnvelope(init, outputs)), 'utf8');
  const body = chunks.length === 0 ? header : Buffer.concat([header, ...chunks], header.length + binaryBytes);
  return { body, headerLength: header.length, hasBinaryData: chunks.length > 0 };
}
