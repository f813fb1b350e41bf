import type { DType, TensorData } from '../tensor/tensor.js';
import { MlError } from '../errors/ml-error.js';
import { numberToFloat16Bits } from './float16.js';
import { jsonTypeName, plural } from './format.js';
import {
  badBool,
  badInt64,
  badInteger,
  badNumber,
  badString,
  nonFinite,
  outOfRange,
  raggedError,
  subject,
  withArticle,
} from './json-read-errors.js';

/**
 * The hot path of every JSON request: JSON values -> a preallocated typed array.
 *
 * Reading is split in two so that nothing is allocated from untrusted sizes:
 * `inferJsonShape` + `checkJsonNesting` walk only the arrays (O(rows), not
 * O(elements)) and prove the nesting is regular; then the caller allocates
 * exactly the proven element count and `fillJson` writes the leaves in one
 * pass, switching on dtype once per innermost row rather than per element.
 */

/** Where values come from, so errors point at the right place. */
export interface JsonReadContext {
  /** Input name for the error's `input` param. */
  readonly input: string;
  /** Friendly API: the instance being read; element indexes are then relative to it. */
  readonly instance?: number;
}

/** Deeper nesting than any real tensor; stops hostile input from exhausting the stack. */
export const MAX_JSON_RANK = 32;

// Values at or above this magnitude round to Infinity when stored in a Float32Array
// (halfway between FLT_MAX and 2^128; FLT_MAX has an odd mantissa, so the tie rounds up).
const FLOAT32_OVERFLOW = (3.4028234663852886e38 + 2 ** 128) / 2;

const INT_RANGES: Partial<Record<DType, readonly [number, number]>> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  uint8: [0, 255],
  uint16: [0, 65535],
  uint32: [0, 4294967295],
};

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
// 64-bit integers beyond 2^53 can only arrive exactly as strings; 20 digits bounds BigInt parsing cost.
const INT_STRING = /^-?\d{1,20}$/;

type SmallIntArray = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;

/** Shape implied by nesting, following the first element at every level. */
export function inferJsonShape(values: unknown, ctx: JsonReadContext): number[] {
  const shape: number[] = [];
  let level = values;
  while (Array.isArray(level)) {
    if (shape.length === MAX_JSON_RANK) {
      throw new MlError('INVALID_SHAPE', {
        input: ctx.input,
        reason: `${subject(ctx)} is nested deeper than ${MAX_JSON_RANK} levels`,
      });
    }
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  return shape;
}

/**
 * Proves `values` is a regular nested array of `shape`: every array at depth d
 * has shape[d] entries. Leaves are checked later, while filling.
 */
export function checkJsonNesting(values: unknown, shape: readonly number[], ctx: JsonReadContext): void {
  if (shape.length === 0) return;
  checkLevel(values, shape, strides(shape), 0, 0, ctx);
}

function checkLevel(
  value: unknown,
  shape: readonly number[],
  stride: readonly number[],
  dim: number,
  flatStart: number,
  ctx: JsonReadContext,
): void {
  const expected = shape[dim] ?? 0;
  if (!Array.isArray(value)) {
    throw raggedError(ctx, shape, dim, flatStart, `is ${withArticle(jsonTypeName(value))}, expected an array of ${expected}`);
  }
  if (value.length !== expected) {
    throw raggedError(ctx, shape, dim, flatStart, `has ${plural(value.length, 'element')}, expected ${expected}`);
  }
  if (dim === shape.length - 1) return;
  const step = stride[dim] ?? 0;
  for (let i = 0; i < expected; i++) {
    checkLevel((value as readonly unknown[])[i], shape, stride, dim + 1, flatStart + i * step, ctx);
  }
}

/**
 * Writes the leaves of `values` (already proven regular for `shape` by
 * `checkJsonNesting`) into `out` starting at `offset`.
 */
export function fillJson(
  values: unknown,
  shape: readonly number[],
  dtype: DType,
  out: TensorData,
  offset: number,
  ctx: JsonReadContext,
): void {
  if (shape.length === 0) {
    fillRow([values], dtype, out, offset, offset, shape, ctx);
    return;
  }
  fillLevel(values as readonly unknown[], shape, strides(shape), 0, dtype, out, offset, offset, ctx);
}

function fillLevel(
  level: readonly unknown[],
  shape: readonly number[],
  stride: readonly number[],
  dim: number,
  dtype: DType,
  out: TensorData,
  pos: number,
  base: number,
  ctx: JsonReadContext,
): void {
  if (dim === shape.length - 1) {
    fillRow(level, dtype, out, pos, base, shape, ctx);
    return;
  }
  const step = stride[dim] ?? 0;
  for (let i = 0; i < level.length; i++) {
    fillLevel(level[i] as readonly unknown[], shape, stride, dim + 1, dtype, out, pos + i * step, base, ctx);
  }
}

/** One innermost row: the only per-element loops, one specialised loop per dtype family. */
function fillRow(
  row: readonly unknown[],
  dtype: DType,
  out: TensorData,
  pos: number,
  base: number,
  shape: readonly number[],
  ctx: JsonReadContext,
): void {
  switch (dtype) {
    case 'float32':
      fillFloat32(row, out as Float32Array, pos, base, shape, ctx);
      return;
    case 'float64':
      fillFloat64(row, out as Float64Array, pos, base, shape, ctx);
      return;
    case 'float16':
      fillFloat16(row, out as Uint16Array, pos, base, shape, ctx);
      return;
    case 'int8':
    case 'int16':
    case 'int32':
    case 'uint8':
    case 'uint16':
    case 'uint32':
      fillSmallInt(row, dtype, out as SmallIntArray, pos, base, shape, ctx);
      return;
    case 'int64':
    case 'uint64':
      fillInt64(row, dtype, out as BigInt64Array | BigUint64Array, pos, base, shape, ctx);
      return;
    case 'bool':
      fillBool(row, out as Uint8Array, pos, base, shape, ctx);
      return;
    case 'string':
      fillString(row, out as string[], pos, base, shape, ctx);
      return;
  }
}

function fillFloat32(row: readonly unknown[], out: Float32Array, pos: number, base: number, shape: readonly number[], ctx: JsonReadContext): void {
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw badNumber(v, 'numbers', pos + i - base, shape, ctx);
    // Too large for float32: stored, it would become Infinity, so it is reported as one.
    if (v >= FLOAT32_OVERFLOW || v <= -FLOAT32_OVERFLOW) throw nonFinite(pos + i - base, ctx);
    out[pos + i] = v;
  }
}

function fillFloat64(row: readonly unknown[], out: Float64Array, pos: number, base: number, shape: readonly number[], ctx: JsonReadContext): void {
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw badNumber(v, 'numbers', pos + i - base, shape, ctx);
    out[pos + i] = v;
  }
}

function fillFloat16(row: readonly unknown[], out: Uint16Array, pos: number, base: number, shape: readonly number[], ctx: JsonReadContext): void {
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw badNumber(v, 'numbers', pos + i - base, shape, ctx);
    const bits = numberToFloat16Bits(v);
    // 0x7c00 is Infinity: the finite input overflowed half precision (beyond ±65504).
    if ((bits & 0x7fff) === 0x7c00) throw nonFinite(pos + i - base, ctx);
    out[pos + i] = bits;
  }
}

function fillSmallInt(
  row: readonly unknown[],
  dtype: DType,
  out: SmallIntArray,
  pos: number,
  base: number,
  shape: readonly number[],
  ctx: JsonReadContext,
): void {
  const [min, max] = INT_RANGES[dtype] ?? [0, 0];
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw badInteger(v, dtype, `[${min}, ${max}]`, pos + i - base, shape, ctx);
    }
    out[pos + i] = v;
  }
}

function fillInt64(
  row: readonly unknown[],
  dtype: DType,
  out: BigInt64Array | BigUint64Array,
  pos: number,
  base: number,
  shape: readonly number[],
  ctx: JsonReadContext,
): void {
  const min = dtype === 'uint64' ? 0n : INT64_MIN;
  const max = dtype === 'uint64' ? UINT64_MAX : INT64_MAX;
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    let big: bigint;
    if (typeof v === 'number' && Number.isSafeInteger(v)) {
      big = BigInt(v);
    } else if (typeof v === 'string' && INT_STRING.test(v)) {
      big = BigInt(v);
    } else {
      throw badInt64(v, dtype, pos + i - base, shape, ctx);
    }
    if (big < min || big > max) throw outOfRange(v, dtype, `[${min}, ${max}]`, pos + i - base, ctx);
    out[pos + i] = big;
  }
}

function fillBool(row: readonly unknown[], out: Uint8Array, pos: number, base: number, shape: readonly number[], ctx: JsonReadContext): void {
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (v === true || v === 1) out[pos + i] = 1;
    else if (v === false || v === 0) out[pos + i] = 0;
    else throw badBool(v, pos + i - base, shape, ctx);
  }
}

function fillString(row: readonly unknown[], out: string[], pos: number, base: number, shape: readonly number[], ctx: JsonReadContext): void {
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (typeof v !== 'string') throw badString(v, pos + i - base, shape, ctx);
    out[pos + i] = v;
  }
}

/** Row-major strides in elements. */
function strides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = acc;
    acc *= shape[d] ?? 0;
  }
  return out;
}
