/**
 * Runs the exported model file with onnxruntime — the same bytes a server would load — on a
 * feature set, and turns its relative predictions into visitors (× the store's level, never
 * below zero). Evaluation and the forecast both go through here, so the numbers the gate
 * reads come from the file that is registered, not from the trainer's in-memory model.
 */
import ort from 'onnxruntime-node';
import type { FeatureSet } from './features.js';

export const INPUT_NAME = 'features';
export const OUTPUT_NAME = 'relative_visitors';

export async function forecastVisitors(modelFile: string, set: FeatureSet): Promise<Float64Array> {
  const session = await ort.InferenceSession.create(modelFile);
  try {
    const width = set.names.length;
    const input = new ort.Tensor('float32', Float32Array.from(set.x), [set.rows, width]);
    const result = await session.run({ [INPUT_NAME]: input }, [OUTPUT_NAME]);
    const output = result[OUTPUT_NAME];
    if (output === undefined || output.data.length !== set.rows) {
      throw new Error(`${modelFile} returned ${output?.data.length ?? 0} values for ${set.rows} rows (output "${OUTPUT_NAME}")`);
    }
    const relative = output.data as Float32Array;
    return Float64Array.from(relative, (r, i) => Math.max(0, r * (set.level[i] ?? 0)));
  } finally {
    await session.release();
  }
}
