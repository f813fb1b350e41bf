import { allocate } from '../../tensor/dtype.js';
import { elementCount, type NamedTensors, type Tensor, type TensorSpec } from '../../tensor/tensor.js';

/**
 * Checks what a function model's `run` returned against the requested output
 * specs and keeps only those outputs. User code is not type-checked at load
 * (plain JS, or TS compiled without checks), so a wrong dtype or a plain
 * number[] is caught here, before a codec misreads it. Returns the problem as
 * a reason, or the outputs.
 */
export function checkOutputs(
  result: unknown,
  specs: readonly TensorSpec[],
): { ok: true; outputs: NamedTensors } | { ok: false; reason: string } {
  if (typeof result !== 'object' || result === null) {
    return { ok: false, reason: 'run() must return an object of named tensors' };
  }
  const outputs: NamedTensors = {};
  for (const spec of specs) {
    const tensor = (result as Record<string, unknown>)[spec.name];
    if (tensor === undefined) return { ok: false, reason: `run() did not return output "${spec.name}"` };
    const problem = tensorProblem(tensor, spec);
    if (problem !== undefined) return { ok: false, reason: `output "${spec.name}": ${problem}` };
    outputs[spec.name] = tensor as Tensor;
  }
  return { ok: true, outputs };
}

function tensorProblem(value: unknown, spec: TensorSpec): string | undefined {
  if (typeof value !== 'object' || value === null) return 'is not a tensor ({ dtype, shape, data })';
  const { dtype, shape, data } = value as Partial<Tensor>;
  if (dtype !== spec.dtype) return `dtype is ${String(dtype)}, the signature says ${spec.dtype}`;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    return 'shape must be a list of non-negative integers';
  }
  const dims: readonly number[] = shape;
  if (dims.length !== spec.shape.length || spec.shape.some((d, i) => d !== -1 && d !== dims[i])) {
    return `shape [${dims.join(', ')}] does not match the signature's [${spec.shape.join(', ')}]`;
  }
  const expected = allocate(spec.dtype, 0);
  const sameKind = Array.isArray(expected)
    ? Array.isArray(data) && data.every((s) => typeof s === 'string')
    : data instanceof expected.constructor; // instanceof: a Buffer is a fine uint8 array
  if (!sameKind || data === undefined) return `data must be a ${Array.isArray(expected) ? 'string[]' : expected.constructor.name} for ${spec.dtype}`;
  if (data.length !== elementCount(dims)) {
    return `data has ${data.length} values but shape [${dims.join(', ')}] needs ${elementCount(dims)}`;
  }
  return undefined;
}
