import type { DType, TensorData } from '../tensor/tensor.js';

/**
 * Float data known to hold no NaN or ±Infinity because it was filled from
 * JSON, whose reader rejects them value by value (NON_FINITE_NUMBER, with the
 * element's index). `validateTensor` skips its own scan for such data and
 * keeps it for everything else: binary payloads, tensors built in code.
 *
 * Keyed by the array object, so the mark goes away with it. It describes the
 * data as decoded: code that writes into a marked array afterwards must check
 * what it writes itself.
 */
const filledFromJson = new WeakSet<object>();

/** Marks float data a JSON fill wrote completely (other dtypes have nothing to check). */
export function markFiniteFromJson(data: TensorData, dtype: DType): void {
  if (dtype === 'float32' || dtype === 'float64' || dtype === 'float16') filledFromJson.add(data);
}

/** Whether `markFiniteFromJson` vouched for this data. */
export function isFiniteFromJson(data: TensorData): boolean {
  return filledFromJson.has(data);
}
