import { MlError } from '../../errors/ml-error.js';
import type { NamedTensors, TensorData } from '../../tensor/tensor.js';

/**
 * Splits a batch's outputs back per request by row offsets. Numeric outputs
 * are `subarray` views (no copy): each request sees only its own rows, and
 * every consumer in the project honours `byteOffset`.
 *
 * @throws MlError INFERENCE_FAILED, naming the output, when an output's first
 * dimension is not the batch's row count (the model reduced or reshaped across
 * the batch, so it cannot be served batched). All or nothing: checked before
 * any request gets a result.
 */
export function splitOutputs(
  name: string,
  outputs: NamedTensors,
  parts: readonly { readonly rows: number }[],
  totalRows: number,
): NamedTensors[] {
  const entries = Object.entries(outputs);
  for (const [output, tensor] of entries) {
    const rows = tensor.shape[0];
    if (rows !== totalRows) {
      const reason =
        rows === undefined
          ? `output "${output}" has no batch dimension, so it cannot be split between ${parts.length} batched requests`
          : `output "${output}" has ${rows} rows for a batch of ${totalRows}, so it cannot be split between ${parts.length} batched requests`;
      throw new MlError('INFERENCE_FAILED', { name, reason });
    }
    if (tensor.data.length !== totalRows * rowElements(tensor.shape)) {
      throw new MlError('INFERENCE_FAILED', { name, reason: `output "${output}" has ${tensor.data.length} values for shape [${tensor.shape.join(', ')}]` });
    }
  }

  const results: NamedTensors[] = parts.map(() => ({}));
  for (const [output, tensor] of entries) {
    const rest = tensor.shape.slice(1);
    const perRow = rowElements(tensor.shape);
    let offset = 0;
    parts.forEach((part, i) => {
      const end = offset + part.rows * perRow;
      (results[i] as NamedTensors)[output] = { dtype: tensor.dtype, shape: [part.rows, ...rest], data: slice(tensor.data, offset, end) };
      offset = end;
    });
  }
  return results;
}

function rowElements(shape: readonly number[]): number {
  let n = 1;
  for (let i = 1; i < shape.length; i++) n *= shape[i] as number;
  return n;
}

function slice(data: TensorData, start: number, end: number): TensorData {
  return Array.isArray(data) ? data.slice(start, end) : data.subarray(start, end);
}
