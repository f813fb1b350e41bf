/**
 * Tensors as they flow between protocol codecs, processing steps and runtimes.
 * Data is always a flat, row-major typed array (or string[] for BYTES) so that
 * no layer needs to re-pack numbers before handing them to onnxruntime.
 */
export const DTYPES = [
  'float32',
  'float64',
  'float16',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'bool',
  'string',
] as const;

export type DType = (typeof DTYPES)[number];

export type TensorData =
  | Float32Array
  | Float64Array
  | Uint16Array // float16 bits, uint16
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array // uint8 and bool (0/1)
  | Uint32Array
  | BigUint64Array
  | string[];

export interface Tensor {
  readonly dtype: DType;
  /** Concrete dimensions, row-major. */
  readonly shape: readonly number[];
  readonly data: TensorData;
}

export type NamedTensors = Record<string, Tensor>;

/** One input or output of a signature. `-1` marks a dynamic dimension. */
export interface TensorSpec {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
}

/** A named way to call a model: which inputs it takes and which outputs it returns. */
export interface Signature {
  readonly name: string;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
}

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
