import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mulberry32 } from './prng.js';

/** Iris-like measurements in cm: the ranges of the training data, so the model sees ordinary rows. */
const RANGES = [
  [4.3, 7.9],
  [2.0, 4.4],
  [1.0, 6.9],
  [0.1, 2.5],
] as const;

/**
 * A seeded CSV of `rows` rows, `id` then the 4 features (one decimal each, as
 * a user's export would have them): the same bytes on every run.
 */
export async function writeBatchInput(file: string, rows: number): Promise<void> {
  const random = mulberry32(5);
  const out = createWriteStream(file);
  const chunk: string[] = ['id,sepal_length,sepal_width,petal_length,petal_width'];
  for (let i = 0; i < rows; i++) {
    chunk.push(`${i},${RANGES.map(([lo, hi]) => (lo + random() * (hi - lo)).toFixed(1)).join(',')}`);
    if (chunk.length >= 10_000) {
      if (!out.write(`${chunk.join('\n')}\n`)) await once(out, 'drain');
      chunk.length = 0;
    }
  }
  out.end(chunk.length > 0 ? `${chunk.join('\n')}\n` : '');
  await once(out, 'finish');
}
