import { float16BitsToNumber } from '../protocol/float16.js';
import { isFloatDType } from '../tensor/dtype.js';
import { elementCount, type Tensor } from '../tensor/tensor.js';
import type { StepEnv } from './define-step.js';
import { dtypeError, missingTensor, stepFailure } from './errors.js';
import type { StepContext } from './step.js';

/** Which tensors a step may pick when its options name none. */
export type DefaultPick = 'numeric' | 'float';

const PICKERS: Record<DefaultPick, (t: Tensor) => boolean> = {
  numeric: (t) => t.dtype !== 'string',
  float: (t) => isFloatDType(t.dtype),
};

/**
 * The tensor a step works on: the one named in its options, or else the first
 * (insertion order, i.e. signature order) that fits `pick`. A named tensor only
 * has to be numeric, so e.g. `argmax-label` can be pointed at an int64 label.
 */
export function selectTensor(
  ctx: StepContext,
  name: string | undefined,
  env: StepEnv,
  pick: DefaultPick,
): { name: string; tensor: Tensor } {
  if (name !== undefined) {
    const tensor = ctx.tensors[name];
    if (tensor === undefined) throw missingTensor(env, name, Object.keys(ctx.tensors));
    if (tensor.dtype === 'string') throw dtypeError(env, name, 'expects a numeric tensor, got string');
    return { name, tensor };
  }
  for (const [key, tensor] of Object.entries(ctx.tensors)) {
    if (PICKERS[pick](tensor)) return { name: key, tensor };
  }
  const seen = Object.entries(ctx.tensors).map(([key, t]) => `${key} (${t.dtype})`);
  throw stepFailure(env, `no ${pick} tensor to apply to (tensors: ${seen.join(', ') || 'none'})`);
}

/**
 * Reads a numeric tensor as numbers without copying where the typed array
 * already holds numbers; int64/uint64 and float16 bits are converted.
 */
export function numericView(tensor: Tensor): ArrayLike<number> {
  const { data } = tensor;
  if (Array.isArray(data)) throw new TypeError(`expected a numeric tensor, got ${tensor.dtype}`);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Float64Array.from(data, Number);
  if (tensor.dtype === 'float16') return Float64Array.from(data, float16BitsToNumber);
  return data;
}

/** Batch rows and values per row: the first dimension is the batch; a scalar is one row of one value. */
export function rowsOf(tensor: Tensor): { rows: number; cols: number } {
  const [rows, ...rest] = tensor.shape;
  return rows === undefined ? { rows: 1, cols: 1 } : { rows, cols: elementCount(rest) };
}

/** Size of the last axis (the features of a row); a scalar counts as one feature. */
export function lastAxis(tensor: Tensor): number {
  return tensor.shape.at(-1) ?? 1;
}

/**
 * Expands per-feature parameters (`mean`, `min`, ...) to the last axis:
 * a single value applies to every feature, otherwise the counts must match.
 */
export function perFeature(
  values: readonly number[],
  features: number,
  what: string,
  fail: (reason: string) => Error,
): Float64Array {
  if (values.length === 1) return new Float64Array(features).fill(values[0] ?? 0);
  if (values.length !== features) {
    throw fail(`the last dimension has ${features} features but ${what} has ${values.length} values`);
  }
  return Float64Array.from(values);
}
