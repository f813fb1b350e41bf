import type { DType, Tensor, TensorData } from '../tensor/tensor.js';
import { float16BitsToNumber } from './float16.js';

/**
 * Tensor -> JSON values. 64-bit integers become numbers when they are exactly
 * representable (the common case: class ids, counts) and decimal strings
 * otherwise, so no client ever sees a silently rounded value.
 */
export type JsonScalar = number | string | boolean;

/** JSON value of one tensor: a scalar for shape [], else arrays nested by shape. */
export type JsonTensorValue = JsonScalar | JsonTensorValue[];

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/** `count` elements of `data` from `start` as a flat JSON array; one dtype switch, one tight loop. */
export function jsonRow(data: TensorData, dtype: DType, start: number, count: number): JsonScalar[] {
  const out = new Array<JsonScalar>(count);
  switch (dtype) {
    case 'float16': {
      const bits = data as Uint16Array;
      for (let i = 0; i < count; i++) out[i] = float16BitsToNumber(bits[start + i] ?? 0);
      return out;
    }
    case 'bool': {
      const bytes = data as Uint8Array;
      for (let i = 0; i < count; i++) out[i] = bytes[start + i] !== 0;
      return out;
    }
    case 'int64':
    case 'uint64': {
      const big = data as BigInt64Array | BigUint64Array;
      for (let i = 0; i < count; i++) {
        const v = big[start + i] ?? 0n;
        out[i] = v >= MIN_SAFE && v <= MAX_SAFE ? Number(v) : v.toString();
      }
      return out;
    }
    case 'string': {
      const strings = data as string[];
      for (let i = 0; i < count; i++) out[i] = strings[start + i] ?? '';
      return out;
    }
    default: {
      // Every remaining dtype is stored in a typed array of plain JS numbers.
      const numbers = data as Exclude<TensorData, string[] | BigInt64Array | BigUint64Array>;
      for (let i = 0; i < count; i++) out[i] = numbers[start + i] ?? 0;
      return out;
    }
  }
}

/** All elements, flat, row-major (the Open Inference Protocol's `data`). */
export function toFlatJson(tensor: Tensor): JsonScalar[] {
  return jsonRow(tensor.data, tensor.dtype, 0, tensor.data.length);
}

/** All elements nested by `tensor.shape`; a bare scalar for shape []. */
export function toJsonData(tensor: Tensor): JsonTensorValue {
  return jsonNested(tensor.data, tensor.dtype, tensor.shape, 0, 0);
}

/**
 * The sub-tensor at flat offset `start` spanning dims `shape[dim..]`, nested.
 * With dim === shape.length it is the single element at `start`.
 */
export function jsonNested(
  data: TensorData,
  dtype: DType,
  shape: readonly number[],
  dim: number,
  start: number,
): JsonTensorValue {
  if (dim >= shape.length) return jsonRow(data, dtype, start, 1)[0] ?? 0;
  const size = shape[dim] ?? 0;
  if (dim === shape.length - 1) return jsonRow(data, dtype, start, size);
  let stride = 1;
  for (let d = dim + 1; d < shape.length; d++) stride *= shape[d] ?? 0;
  const out = new Array<JsonTensorValue>(size);
  for (let i = 0; i < size; i++) out[i] = jsonNested(data, dtype, shape, dim + 1, start + i * stride);
  return out;
}
