/**
 * Plain-TypeScript float64 reference implementations of the ops the writer emits,
 * written independently of the writer so that the tests compare two separate
 * computations.
 */
export type Rows = number[][];

export function matMul(a: Rows, b: Rows): Rows {
  const inner = b.length;
  const cols = b[0]?.length ?? 0;
  return a.map((row) =>
    Array.from({ length: cols }, (_, j) => {
      let sum = 0;
      for (let k = 0; k < inner; k++) sum += (row[k] ?? 0) * (b[k]?.[j] ?? 0);
      return sum;
    }),
  );
}

export function addRow(a: Rows, bias: readonly number[]): Rows {
  return a.map((row) => row.map((v, j) => v + (bias[j] ?? 0)));
}

export function map(a: Rows, f: (v: number) => number): Rows {
  return a.map((row) => row.map(f));
}

export const relu = (v: number): number => Math.max(0, v);
export const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

export function softmax(a: Rows): Rows {
  return a.map((row) => {
    const max = Math.max(...row);
    const exps = row.map((v) => Math.exp(v - max));
    const total = exps.reduce((s, v) => s + v, 0);
    return exps.map((v) => v / total);
  });
}

export function argMax(a: Rows): number[] {
  return a.map((row) => row.indexOf(Math.max(...row)));
}

/** Rounds through float32, as the graph stores its weights and reads its inputs. */
export function f32(a: Rows): Rows {
  return a.map((row) => Array.from(Float32Array.from(row)));
}

export function randomMatrix(next: () => number, rows: number, cols: number, scale = 1): Rows {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => (next() * 2 - 1) * scale));
}
