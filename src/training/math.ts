/** Rows of numbers: the trainers' in-memory representation (float64, row-major). */
export type Matrix = readonly (readonly number[])[];

/** x · W + b for every row; W is [in][out]. */
export function affine(x: Matrix, weights: Matrix, bias: readonly number[]): number[][] {
  return x.map((row) =>
    bias.map((b, j) => {
      let sum = b;
      row.forEach((v, i) => (sum += v * (weights[i]?.[j] ?? 0)));
      return sum;
    }),
  );
}

/** Softmax of one row, shifted by its maximum so that exp never overflows. */
export function softmax(row: readonly number[]): number[] {
  const max = Math.max(...row);
  const exps = row.map((v) => Math.exp(v - max));
  const total = exps.reduce((s, v) => s + v, 0);
  return exps.map((v) => v / total);
}

/** Index of the largest value; the first one on ties (as ONNX ArgMax). */
export function argmax(row: readonly number[]): number {
  let best = 0;
  row.forEach((v, i) => {
    if (v > (row[best] ?? Number.NEGATIVE_INFINITY)) best = i;
  });
  return best;
}

export function zeros(rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
}
