import type { DType } from '../tensor/tensor.js';
import { MlError } from '../errors/ml-error.js';
import { formatIndexPath, formatShape, jsonTypeName } from './format.js';
import type { JsonReadContext } from './json-read.js';

/**
 * Error builders for json-read.ts. They only run once a value has failed the
 * hot-path check, so they can afford to work out exactly what went wrong.
 */

export function badBool(v: unknown, index: number, shape: readonly number[], ctx: JsonReadContext): MlError {
  return badLeaf(v, 'booleans (true/false or 0/1)', index, shape, ctx);
}

export function badString(v: unknown, index: number, shape: readonly number[], ctx: JsonReadContext): MlError {
  return badLeaf(v, 'strings', index, shape, ctx);
}

export function nonFinite(index: number, ctx: JsonReadContext): MlError {
  return new MlError('NON_FINITE_NUMBER', { input: ctx.input, index: elementLabel(index, ctx) });
}

export function badNumber(v: unknown, expected: string, index: number, shape: readonly number[], ctx: JsonReadContext): MlError {
  if (typeof v === 'number') return nonFinite(index, ctx);
  return badLeaf(v, expected, index, shape, ctx);
}

export function badInteger(v: unknown, dtype: DType, range: string, index: number, shape: readonly number[], ctx: JsonReadContext): MlError {
  if (typeof v !== 'number') return badLeaf(v, 'integers', index, shape, ctx);
  if (!Number.isFinite(v)) return nonFinite(index, ctx);
  if (!Number.isInteger(v)) {
    return new MlError('INVALID_DTYPE', {
      input: ctx.input,
      reason: `expected integers for ${dtype}, got ${v} at element ${elementLabel(index, ctx)}`,
    });
  }
  return outOfRange(v, dtype, range, index, ctx);
}

export function badInt64(v: unknown, dtype: DType, index: number, shape: readonly number[], ctx: JsonReadContext): MlError {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return nonFinite(index, ctx);
    const reason = Number.isInteger(v)
      ? `value ${v} at element ${elementLabel(index, ctx)} is beyond ±2^53 and may have lost precision; send ${dtype} values that large as strings`
      : `expected integers for ${dtype}, got ${v} at element ${elementLabel(index, ctx)}`;
    return new MlError('INVALID_DTYPE', { input: ctx.input, reason });
  }
  if (typeof v === 'string') {
    return new MlError('INVALID_DTYPE', {
      input: ctx.input,
      reason: `expected an integer string for ${dtype}, got ${JSON.stringify(v.slice(0, 40))} at element ${elementLabel(index, ctx)}`,
    });
  }
  return badLeaf(v, 'integers (numbers or numeric strings)', index, shape, ctx);
}

export function outOfRange(v: unknown, dtype: DType, range: string, index: number, ctx: JsonReadContext): MlError {
  return new MlError('INVALID_DTYPE', {
    input: ctx.input,
    reason: `value ${String(v)} at element ${elementLabel(index, ctx)} is out of range for ${dtype} ${range}`,
  });
}

/** A leaf of the wrong JSON type; an array there means the nesting, not the type, is wrong. */
function badLeaf(v: unknown, expected: string, index: number, shape: readonly number[], ctx: JsonReadContext): MlError {
  if (Array.isArray(v)) {
    return new MlError('INVALID_SHAPE', {
      input: ctx.input,
      reason: `${subject(ctx)}${formatIndexPath(index, shape, shape.length)} is an array, expected a single value (data is ragged; shape ${formatShape(shape)})`,
    });
  }
  return new MlError('INVALID_DTYPE', {
    input: ctx.input,
    reason: `expected ${expected}, got ${jsonTypeName(v)} at element ${elementLabel(index, ctx)}`,
  });
}

export function raggedError(ctx: JsonReadContext, shape: readonly number[], dim: number, flatStart: number, problem: string): MlError {
  const where = `${subject(ctx)}${formatIndexPath(flatStart, shape, dim)}`;
  const hint =
    ctx.instance === undefined
      ? `nested data must be regular; its first elements imply shape ${formatShape(shape)}`
      : `every instance must have the shape of instance 0, ${formatShape(shape)}`;
  return new MlError('INVALID_SHAPE', { input: ctx.input, reason: `${where} ${problem} (${hint})` });
}

export function subject(ctx: JsonReadContext): string {
  return ctx.instance === undefined ? 'data' : `instance ${ctx.instance}`;
}

function elementLabel(index: number, ctx: JsonReadContext): string | number {
  return ctx.instance === undefined ? index : `${index} of instance ${ctx.instance}`;
}

export function withArticle(typeName: string): string {
  return /^[aeiou]/.test(typeName) ? `an ${typeName}` : `a ${typeName}`;
}
