import type { NamedTensors, Tensor, TensorSpec } from '../tensor/tensor.js';
import { allocate } from '../tensor/dtype.js';
import { MlError, isMlError } from '../errors/ml-error.js';
import { formatNames, formatShape, isJsonObject, jsonTypeName } from './format.js';
import { markFiniteFromJson } from './finite-mark.js';
import { checkJsonNesting, fillJson, inferJsonShape, type JsonReadContext } from './json-read.js';

/**
 * Friendly-API instances -> batched tensors. Instance 0 fixes each input's row
 * shape; every instance is then proven to match it before one typed array of
 * exactly N * row elements is allocated and filled row by row.
 */

/** A mutable read context reused across instances, so the loop allocates nothing per instance. */
interface InstanceContext extends JsonReadContext {
  instance: number;
}

/**
 * - One input, instances not objects: each instance is that input's row (number,
 *   nested array, or string for BYTES) -> one tensor [N, ...row].
 * - Several inputs (or object instances): each instance is an object keyed by
 *   input name -> one tensor per input.
 * Trailing size-1 dims are added or dropped to meet the spec's rank (a string
 * per instance for a [-1,1] BYTES input), since that reshape moves no data.
 */
export function instancesToTensors(instances: readonly unknown[], inputs: readonly TensorSpec[]): NamedTensors {
  if (instances.length === 0) throw new MlError('EMPTY_BATCH', {});
  const [only] = inputs;
  if (only === undefined) throw new MlError('INTERNAL', { reason: 'the signature declares no inputs' });
  // Null prototype: an input named "__proto__" is an ordinary key, not the object's prototype.
  const tensors = Object.create(null) as NamedTensors;
  if (inputs.length === 1 && !isJsonObject(instances[0])) {
    tensors[only.name] = batchInput(instances, only, undefined);
    return tensors;
  }
  checkKeyedInstances(instances, inputs);
  for (const spec of inputs) tensors[spec.name] = batchInput(instances, spec, spec.name);
  return tensors;
}

function checkKeyedInstances(instances: readonly unknown[], inputs: readonly TensorSpec[]): void {
  const names = new Set(inputs.map((spec) => spec.name));
  for (let i = 0; i < instances.length; i++) {
    const instance = instances[i];
    if (!isJsonObject(instance)) {
      throw new MlError('INVALID_REQUEST', {
        reason: `instance ${i} must be an object keyed by input name (${formatNames(names)}), got ${jsonTypeName(instance)}`,
      });
    }
    let present = 0;
    for (const key in instance) {
      if (!names.has(key)) throw new MlError('UNKNOWN_INPUT', { input: key, expected: formatNames(names) });
      if (instance[key] !== undefined) present++;
    }
    if (present !== names.size) {
      const missing = inputs.find((spec) => !Object.hasOwn(instance, spec.name) || instance[spec.name] === undefined);
      throw new MlError('MISSING_INPUT', { input: missing?.name ?? '?', instance: i });
    }
  }
}

function batchInput(instances: readonly unknown[], spec: TensorSpec, key: string | undefined): Tensor {
  const rowOf = (instance: unknown): unknown => (key === undefined ? instance : (instance as Record<string, unknown>)[key]);
  const ctx: InstanceContext = { input: spec.name, instance: 0 };
  const rowShape = inferJsonShape(rowOf(instances[0]), ctx);
  for (let i = 0; i < instances.length; i++) {
    ctx.instance = i;
    checkRow(rowOf(instances[i]), rowShape, ctx);
  }
  let rowSize = 1;
  for (const d of rowShape) rowSize *= d;
  const data = allocate(spec.dtype, instances.length * rowSize);
  for (let i = 0; i < instances.length; i++) {
    ctx.instance = i;
    fillJson(rowOf(instances[i]), rowShape, spec.dtype, data, i * rowSize, ctx);
  }
  markFiniteFromJson(data, spec.dtype);
  return { dtype: spec.dtype, shape: fitRank([instances.length, ...rowShape], spec.shape), data };
}

/** Nesting check with a clearer message when a whole instance has a different shape. */
function checkRow(row: unknown, rowShape: readonly number[], ctx: InstanceContext): void {
  try {
    checkJsonNesting(row, rowShape, ctx);
  } catch (err) {
    if (!isMlError(err) || err.code !== 'INVALID_SHAPE') throw err;
    let own: number[] | undefined;
    try {
      own = inferJsonShape(row, ctx);
    } catch {
      throw err;
    }
    if (formatShape(own) === formatShape(rowShape)) throw err; // same outer shape, ragged inside
    throw new MlError('INVALID_SHAPE', {
      input: ctx.input,
      reason: `instance ${ctx.instance} has shape ${formatShape(own)} but instance 0 has ${formatShape(rowShape)}; all instances must have the same shape`,
    });
  }
}

/** Adds or drops trailing 1s so `shape` reaches the spec's rank, when only 1s differ. */
function fitRank(shape: number[], specShape: readonly number[]): number[] {
  if (shape.length === specShape.length) return shape;
  if (shape.length < specShape.length) {
    const extra = specShape.slice(shape.length);
    return extra.every((d) => d === 1) ? [...shape, ...extra] : shape;
  }
  const extra = shape.slice(specShape.length);
  return extra.every((d) => d === 1) ? shape.slice(0, specShape.length) : shape;
}
