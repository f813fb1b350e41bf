import ort from 'onnxruntime-node';

/**
 * Runs a regressor graph on float32 rows and returns its [N, 1] output as numbers.
 * `singleThread` pins onnxruntime to one thread: its tree ensembles then add trees in the same order
 * as the trainers (multi-threaded runs add partial sums per thread).
 */
export async function runRegressor(
  bytes: Uint8Array,
  rows: readonly (readonly number[])[],
  options: { inputName?: string; outputName?: string; singleThread?: boolean } = {},
): Promise<{ values: number[]; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(bytes, options.singleThread ? { intraOpNumThreads: 1 } : {});
  try {
    const width = rows[0]?.length ?? 0;
    const input = new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, width]);
    const out = await session.run({ [options.inputName ?? 'features']: input });
    const result = out[options.outputName ?? 'variable'];
    if (result === undefined) throw new Error(`no output ${options.outputName ?? 'variable'}; got ${Object.keys(out).join(', ')}`);
    return { values: Array.from(result.data as Float32Array), dims: result.dims };
  } finally {
    await session.release();
  }
}

/**
 * Largest |actual - expected| / max(1, |expected|): an absolute 1e-5 bound for outputs up to 1,
 * relative above (float32 carries ~7 significant digits, so large outputs cannot meet 1e-5 absolute).
 */
export function maxScaledDiff(actual: readonly number[], expected: readonly number[]): number {
  if (actual.length !== expected.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  expected.forEach((e, i) => {
    const diff = Math.abs((actual[i] ?? Number.NaN) - e) / Math.max(1, Math.abs(e));
    worst = Number.isNaN(diff) ? Number.POSITIVE_INFINITY : Math.max(worst, diff);
  });
  return worst;
}

/** Runs a classifier graph on float32 rows: flat probabilities [N * C] and labels. */
export async function runClassifierOutputs(
  bytes: Uint8Array,
  rows: readonly (readonly number[])[],
  options: { singleThread?: boolean } = {},
): Promise<{ probabilities: number[]; labels: number[]; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(bytes, options.singleThread ? { intraOpNumThreads: 1 } : {});
  try {
    const width = rows[0]?.length ?? 0;
    const out = await session.run({ features: new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, width]) });
    const probabilities = out.probabilities;
    const label = out.label;
    if (probabilities === undefined || label === undefined) throw new Error(`outputs are ${Object.keys(out).join(', ')}`);
    return {
      probabilities: Array.from(probabilities.data as Float32Array),
      labels: Array.from(label.data as BigInt64Array, Number),
      dims: probabilities.dims,
    };
  } finally {
    await session.release();
  }
}
