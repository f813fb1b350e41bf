import type { DType } from '../tensor/tensor.js';
import { DTYPES } from '../tensor/tensor.js';
import { fromOipDatatype, toOipDatatype } from '../tensor/dtype.js';
import { MlError } from '../errors/ml-error.js';
import { formatNames, isJsonObject, jsonTypeName } from './format.js';
import { MAX_JSON_RANK } from './json-read.js';
import type { BinaryOutputSelection } from './oip-types.js';

/**
 * Structural validation of an Open Inference Protocol v2 request object: the
 * whole JSON body, or the JSON header of a binary-extension body. Tensor data
 * is left untouched (`data` as sent, or the declared `binary_data_size`) so the
 * JSON and binary decoders can each read it their own way.
 */

export interface RawInferInput {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: number[];
  /** JSON `data` as sent; undefined when the tensor travels as binary. */
  readonly data: unknown;
  /** `parameters.binary_data_size`: the tensor's bytes follow the JSON header. */
  readonly binaryDataSize: number | undefined;
}

export interface RawInferRequest extends BinaryOutputSelection {
  readonly id?: string;
  readonly parameters?: Record<string, unknown>;
  readonly signature?: string;
  readonly inputs: RawInferInput[];
  readonly requestedOutputs?: string[];
}

const SUPPORTED_DATATYPES = formatNames(DTYPES.map(toOipDatatype));

export function parseInferRequestObject(body: unknown): RawInferRequest {
  if (!isJsonObject(body)) invalid(`the body must be a JSON object, got ${jsonTypeName(body)}`);
  const { id, parameters } = body;
  if (id !== undefined && typeof id !== 'string') invalid(`"id" must be a string, got ${jsonTypeName(id)}`);
  const params = optionalObject(parameters, '"parameters"');
  const binaryOutputAll = optionalBoolean(params?.binary_data_output, '"parameters.binary_data_output"') ?? false;
  const signature = params?.signature;
  if (signature !== undefined && (typeof signature !== 'string' || signature.length === 0)) {
    invalid(`"parameters.signature" must be a non-empty string, got ${truncatedJson(signature)}`);
  }
  const inputs = parseInputs(body.inputs);
  const outputs = parseOutputs(body.outputs);
  return {
    ...(id === undefined ? {} : { id }),
    ...(params === undefined ? {} : { parameters: params }),
    ...(signature === undefined ? {} : { signature }),
    inputs,
    ...(outputs.names === undefined ? {} : { requestedOutputs: outputs.names }),
    binaryOutputs: outputs.binary,
    binaryOutputAll,
    jsonOutputs: outputs.json,
  };
}

function parseInputs(inputs: unknown): RawInferInput[] {
  if (inputs === undefined) invalid('"inputs" is required: a non-empty array of input tensors');
  if (!Array.isArray(inputs)) invalid(`"inputs" must be an array, got ${jsonTypeName(inputs)}`);
  if (inputs.length === 0) invalid('"inputs" must contain at least one input');
  const seen = new Set<string>();
  return (inputs as unknown[]).map((input, i) => {
    const raw = parseInput(input, `inputs[${i}]`);
    if (seen.has(raw.name)) invalid(`input "${raw.name}" appears more than once`);
    seen.add(raw.name);
    return raw;
  });
}

function parseInput(input: unknown, where: string): RawInferInput {
  if (!isJsonObject(input)) invalid(`${where} must be an object, got ${jsonTypeName(input)}`);
  const name = requiredString(input.name, `${where}.name`);
  const datatype = requiredString(input.datatype, `${where}.datatype`);
  const dtype = fromOipDatatype(datatype);
  if (dtype === undefined) {
    throw new MlError('INVALID_DTYPE', { input: name, reason: `unknown datatype "${datatype}"; supported: ${SUPPORTED_DATATYPES}` });
  }
  const shape = parseShape(input.shape, name, `${where}.shape`);
  const params = optionalObject(input.parameters, `${where}.parameters`);
  if (params?.shared_memory_region !== undefined) {
    invalid(`input "${name}" uses shared memory (shared_memory_region), which this server does not support`);
  }
  const binaryDataSize = params?.binary_data_size;
  if (binaryDataSize !== undefined) {
    if (typeof binaryDataSize !== 'number' || !Number.isSafeInteger(binaryDataSize) || binaryDataSize < 0) {
      throw new MlError('INVALID_BINARY_PAYLOAD', {
        reason: `input "${name}": binary_data_size must be a non-negative integer, got ${JSON.stringify(binaryDataSize)}`,
      });
    }
    if (input.data !== undefined) invalid(`input "${name}" has both "data" and binary_data_size; send one of them`);
    return { name, dtype, shape, data: undefined, binaryDataSize };
  }
  if (input.data === undefined) throw new MlError('MISSING_FIELD', { field: `${where}.data` });
  if (!Array.isArray(input.data)) invalid(`${where}.data must be an array, got ${jsonTypeName(input.data)}`);
  return { name, dtype, shape, data: input.data, binaryDataSize: undefined };
}

function parseShape(shape: unknown, input: string, where: string): number[] {
  if (shape === undefined) throw new MlError('MISSING_FIELD', { field: where });
  const ok =
    Array.isArray(shape) &&
    shape.length <= MAX_JSON_RANK &&
    shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0);
  if (!ok) {
    throw new MlError('INVALID_SHAPE', {
      input,
      reason: `shape must be an array of at most ${MAX_JSON_RANK} non-negative integers, got ${truncatedJson(shape)}`,
    });
  }
  return shape as number[];
}

interface ParsedOutputs {
  readonly names: string[] | undefined;
  readonly binary: Set<string>;
  readonly json: Set<string>;
}

function parseOutputs(outputs: unknown): ParsedOutputs {
  const binary = new Set<string>();
  const json = new Set<string>();
  // An absent or empty list both mean "every output of the signature".
  if (outputs === undefined || (Array.isArray(outputs) && outputs.length === 0)) return { names: undefined, binary, json };
  if (!Array.isArray(outputs)) invalid(`"outputs" must be an array, got ${jsonTypeName(outputs)}`);
  const names: string[] = [];
  (outputs as unknown[]).forEach((output, i) => {
    const where = `outputs[${i}]`;
    if (!isJsonObject(output)) invalid(`${where} must be an object, got ${jsonTypeName(output)}`);
    const name = requiredString(output.name, `${where}.name`);
    if (names.includes(name)) invalid(`output "${name}" appears more than once`);
    const params = optionalObject(output.parameters, `${where}.parameters`);
    if (params?.classification !== undefined) invalid(`output "${name}": the classification extension is not supported`);
    if (params?.shared_memory_region !== undefined) {
      invalid(`output "${name}" uses shared memory (shared_memory_region), which this server does not support`);
    }
    const wantsBinary = optionalBoolean(params?.binary_data, `${where}.parameters.binary_data`);
    if (wantsBinary === true) binary.add(name);
    if (wantsBinary === false) json.add(name);
    names.push(name);
  });
  return { names, binary, json };
}

function requiredString(value: unknown, field: string): string {
  if (value === undefined) throw new MlError('MISSING_FIELD', { field });
  if (typeof value !== 'string' || value.length === 0) invalid(`${field} must be a non-empty string, got ${truncatedJson(value)}`);
  return value;
}

function optionalObject(value: unknown, field: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (!isJsonObject(value)) invalid(`${field} must be an object, got ${jsonTypeName(value)}`);
  return value;
}

function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') invalid(`${field} must be true or false, got ${truncatedJson(value)}`);
  return value;
}

function invalid(reason: string): never {
  throw new MlError('INVALID_REQUEST', { reason });
}

function truncatedJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
