import { MlError } from '../../errors/ml-error.js';
import type { RemoteDatatype } from '../schema.js';

/** An OIP JSON tensor's shape and row-major data. */
export interface FlatTensor {
  readonly shape: readonly number[];
  readonly data: readonly number[];
}

/**
 * The instances as one [n, d] tensor: each instance a list of d numbers, or a
 * number (→ [n, 1]). Checked here so a malformed batch is the client's 400 and
 * never reaches the remote. `input` names the tensor in the error messages.
 */
export function instancesToTensor(instances: readonly unknown[], input: string): FlatTensor {
  const scalars = typeof instances[0] === 'number';
  const width = scalars ? 1 : Array.isArray(instances[0]) ? instances[0].length : 0;
  const data: number[] = [];
  instances.forEach((instance, i) => {
    const row = scalars && typeof instance === 'number' ? [instance] : instance;
    if (!Array.isArray(row)) {
      throw new MlError('INVALID_SHAPE', { input, reason: `instance ${i} is not ${scalars ? 'a number like instance 0' : 'a list of numbers'}` });
    }
    if (row.length !== width || width === 0) {
      throw new MlError('INVALID_SHAPE', { input, reason: `instance ${i} has ${row.length} values, instance 0 has ${width}; send non-empty lists of one length` });
    }
    for (const value of row as unknown[]) {
      if (typeof value !== 'number') throw new MlError('INVALID_DTYPE', { input, reason: `instance ${i} holds ${JSON.stringify(value) ?? typeof value}, not a number` });
      if (!Number.isFinite(value)) throw new MlError('NON_FINITE_NUMBER', { input, index: data.length });
      data.push(value);
    }
  });
  return { shape: [instances.length, width], data };
}

/** An INT32/INT64 input takes integers only; the datatype may be known only after the metadata call. */
export function integerProblem(tensor: FlatTensor, input: string, datatype: RemoteDatatype): MlError | undefined {
  if (!datatype.startsWith('INT')) return undefined;
  const index = tensor.data.findIndex((v) => !Number.isInteger(v));
  if (index < 0) return undefined;
  return new MlError('INVALID_DTYPE', { input, reason: `element ${index} is ${tensor.data[index]}, not an integer (${datatype})` });
}

/**
 * An output tensor as one row per instance: shape [n] gives scalar rows, [n, k]
 * k-lists, [n, a, b] a×b nested lists. Data may come flat or nested (both are
 * OIP JSON). A string is the reason the answer cannot be used.
 */
export function tensorRows(tensor: { readonly shape?: unknown; readonly data?: unknown }, count: number): unknown[] | string {
  const { shape, data } = tensor;
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) return 'no valid "shape"';
  const dims = shape as number[];
  if (dims[0] !== count) return `shape [${dims.join(',')}] does not hold ${count} rows, one per instance`;
  if (!Array.isArray(data)) return 'no "data"';
  const flat = data.flat(Infinity) as unknown[];
  const size = dims.reduce((a, b) => a * b, 1);
  if (flat.length !== size) return `${flat.length} values for shape [${dims.join(',')}]`;
  return split(flat, dims.slice(1), count);
}

function split(flat: readonly unknown[], inner: readonly number[], count: number): unknown[] {
  if (inner.length === 0) return flat.slice(0, count);
  const step = flat.length / count;
  return Array.from({ length: count }, (_, i) => split(flat.slice(i * step, (i + 1) * step), inner.slice(1), inner[0] ?? 0));
}
