import ort from 'onnxruntime-node';

/** Runs a classifier graph written by the trainers on float32 rows; returns probabilities and labels. */
export async function runClassifier(
  bytes: Uint8Array,
  rows: readonly (readonly number[])[],
  inputName = 'features',
): Promise<{ probabilities: Float32Array; labels: number[] }> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const width = rows[0]?.length ?? 0;
    const input = new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, width]);
    const out = await session.run({ [inputName]: input });
    return {
      probabilities: out.probabilities?.data as Float32Array,
      labels: Array.from(out.label?.data as BigInt64Array, Number),
    };
  } finally {
    await session.release();
  }
}
