import type { DType, NamedTensors, Signature, Tensor, TensorData, TensorSpec } from '../tensor/tensor.js';
import { elementCount } from '../tensor/tensor.js';
import { toOipDatatype } from '../tensor/dtype.js';
import { MlError } from '../errors/ml-error.js';
import { isFiniteFromJson } from './finite-mark.js';
import { isFloat16NonFinite } from './float16.js';
import { formatNames, formatShape } from './format.js';

/**
 * Checks decoded tensors against a signature before they reach a runtime, so
 * that clients get a 400 naming the offending input instead of an opaque
 * runtime failure. Unknown names are checked first: a misspelt input shows up
 * as both unknown and missing, and the unknown error lists what is expected.
 */
export function validateInputs(tensors: NamedTensors, signature: Signature): void {
  for (const name of Object.keys(tensors)) {
    if (!signature.inputs.some((spec) => spec.name === name)) {
      throw new MlError('UNKNOWN_INPUT', { input: name, expected: formatNames(signature.inputs.map((s) => s.name)) });
    }
  }
  for (const spec of signature.inputs) {
    const tensor = Object.hasOwn(tensors, spec.name) ? tensors[spec.name] : undefined;
    if (tensor === undefined) throw new MlError('MISSING_INPUT', { input: spec.name });
    validateTensor(tensor, spec);
  }
}

/** Requested output names must exist in the signature (UNKNOWN_OUTPUT). */
export function validateOutputs(requested: readonly string[], signature: Signature): void {
  for (const name of requested) {
    if (!signature.outputs.some((spec) => spec.name === name)) {
      throw new MlError('UNKNOWN_OUTPUT', { output: name, expected: formatNames(signature.outputs.map((s) => s.name)) });
    }
  }
}

/** One tensor against its spec: dtype, rank, fixed dims, batch, data length, finiteness. */
export function validateTensor(tensor: Tensor, spec: TensorSpec): void {
  const input = spec.name;
  if (tensor.dtype !== spec.dtype) {
    throw new MlError('INVALID_DTYPE', { input, reason: `expected ${describeDType(spec.dtype)}, got ${describeDType(tensor.dtype)}` });
  }
  if (!dataMatchesDType(tensor.data, tensor.dtype)) {
    throw new MlError('INVALID_DTYPE', { input, reason: `data is stored as ${dataKind(tensor.data)}, which does not hold ${tensor.dtype}` });
  }
  const { shape } = tensor;
  const mismatch = (): MlError =>
    new MlError('INVALID_SHAPE', { input, reason: `expected shape ${formatShape(spec.shape)}, got ${formatShape(shape)}` });
  if (shape.length !== spec.shape.length) throw mismatch();
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new MlError('INVALID_SHAPE', { input, reason: `dimensions must be non-negative integers, got ${formatShape(shape)}` });
    }
  }
  // The first dimension is the batch: an empty batch is a client mistake with its own code.
  if (shape.length > 0 && shape[0] === 0) throw new MlError('EMPTY_BATCH', { input });
  for (let d = 0; d < shape.length; d++) {
    const want = spec.shape[d] ?? -1;
    if (want !== -1 && want !== shape[d]) throw mismatch();
  }
  const count = elementCount(shape);
  if (tensor.data.length !== count) {
    throw new MlError('INVALID_SHAPE', {
      input,
      reason: `shape ${formatShape(shape)} has ${count} elements but the data has ${tensor.data.length}`,
    });
  }
  // Data filled from JSON was checked value by value as it was read; binary payloads and
  // tensors built in code can carry NaN/±Infinity, so they are scanned here.
  if (isFiniteFromJson(tensor.data)) return;
  const bad = firstNonFinite(tensor);
  if (bad >= 0) throw new MlError('NON_FINITE_NUMBER', { input, index: bad });
}

/** Index of the first NaN/±Infinity in a float tensor, or -1. Binary payloads can carry them. */
export function firstNonFinite(tensor: Tensor): number {
  switch (tensor.dtype) {
    case 'float32':
    case 'float64': {
      const data = tensor.data as Float32Array | Float64Array;
      for (let i = 0; i < data.length; i++) {
        const v = data[i] as number;
        // v - v is 0 for every finite v and NaN for NaN and ±Infinity.
        if (v - v !== 0) return i;
      }
      return -1;
    }
    case 'float16': {
      const bits = tensor.data as Uint16Array;
      for (let i = 0; i < bits.length; i++) if (isFloat16NonFinite(bits[i] ?? 0)) return i;
      return -1;
    }
    default:
      return -1;
  }
}

/** Whether the storage class of `data` is the one tensor.ts assigns to `dtype`. */
export function dataMatchesDType(data: TensorData, dtype: DType): boolean {
  switch (dtype) {
    case 'float32':
      return data instanceof Float32Array;
    case 'float64':
      return data instanceof Float64Array;
    case 'float16':
    case 'uint16':
      return data instanceof Uint16Array;
    case 'int8':
      return data instanceof Int8Array;
    case 'int16':
      return data instanceof Int16Array;
    case 'int32':
      return data instanceof Int32Array;
    case 'int64':
      return data instanceof BigInt64Array;
    case 'uint8':
    case 'bool':
      return data instanceof Uint8Array;
    case 'uint32':
      return data instanceof Uint32Array;
    case 'uint64':
      return data instanceof BigUint64Array;
    case 'string':
      return Array.isArray(data);
  }
}

function describeDType(dtype: DType): string {
  return `${dtype} (${toOipDatatype(dtype)})`;
}

function dataKind(data: TensorData): string {
  return Array.isArray(data) ? 'an array of strings' : data.constructor.name;
}
