/**
 * Weights as the writer accepts them: a matrix as rows (what trainers hold) or a
 * flat row-major array with explicit dims (what typed-array code holds).
 */
export type Matrix = readonly (readonly number[])[];

export interface FlatWeights {
  readonly values: ArrayLike<number>;
  readonly dims: readonly number[];
}

export type Weights = Matrix | FlatWeights;

export function isFlatWeights(weights: Weights): weights is FlatWeights {
  return !Array.isArray(weights);
}

/** Rows to a flat row-major array; throws on ragged rows. */
export function flattenMatrix(matrix: Matrix): FlatWeights {
  const rows = matrix.length;
  const cols = matrix[0]?.length ?? 0;
  const values = new Float64Array(rows * cols);
  matrix.forEach((row, r) => {
    if (row.length !== cols) throw new Error(`matrix row ${r} has ${row.length} values, expected ${cols}`);
    values.set(row, r * cols);
  });
  return { values, dims: [rows, cols] };
}

export function toFlatWeights(weights: Weights): FlatWeights {
  return isFlatWeights(weights) ? weights : flattenMatrix(weights);
}
