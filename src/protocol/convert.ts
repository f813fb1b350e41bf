import type { DType, TensorData } from '../tensor/tensor.js';
import { allocate } from '../tensor/dtype.js';
import { markFiniteFromJson } from './finite-mark.js';
import { checkJsonNesting, fillJson, inferJsonShape } from './json-read.js';

/**
 * Public JSON <-> tensor conversions. The work happens in json-read.ts (JSON in)
 * and json-write.ts (JSON out); this module is the small API the codecs and
 * the HTTP layer call.
 */
export { toFlatJson, toJsonData, type JsonScalar, type JsonTensorValue } from './json-write.js';

export interface JsonTensorData {
  readonly data: TensorData;
  /** Shape implied by the nesting: [] for a scalar, [n] for a flat array. */
  readonly shape: number[];
}

/**
 * Builds the typed array for `dtype` from JSON values (a scalar, a flat array
 * or regular nested arrays). Throws INVALID_DTYPE for values of the wrong kind
 * or out of range, NON_FINITE_NUMBER, and INVALID_SHAPE for ragged nesting.
 */
export function fromJsonData(values: unknown, dtype: DType, inputName: string): JsonTensorData {
  const ctx = { input: inputName };
  const shape = inferJsonShape(values, ctx);
  checkJsonNesting(values, shape, ctx);
  let count = 1;
  for (const d of shape) count *= d;
  const data = allocate(dtype, count);
  fillJson(values, shape, dtype, data, 0, ctx);
  markFiniteFromJson(data, dtype);
  return { data, shape };
}
