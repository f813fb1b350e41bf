import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mlp, type DenseLayer } from '../src/onnx/writer/index.js';
import { mulberry32, uniformArray } from './prng.js';

/** The wide MLP: 256→1024→1024→1024→10. */
export const WIDE_WIDTHS = [256, 1024, 1024, 1024, 10] as const;
export const WIDE_INPUT = 'features';
export const WIDE_FEATURES = WIDE_WIDTHS[0];
const SEED = 20261121;

export interface WideModel {
  /** Folder holding model.onnx (removed by the caller with the rest of the temp folder). */
  readonly dir: string;
  readonly file: string;
  readonly bytes: number;
  readonly parameters: number;
}

/**
 * Writes the wide MLP with the project's own ONNX writer into a fresh temp
 * folder. Weights are seeded and scaled like He initialisation so activations
 * stay finite through three relu layers (NaN would be refused by the server).
 */
export function writeWideMlp(parent: string = tmpdir()): WideModel {
  const random = mulberry32(SEED);
  const layers: DenseLayer[] = [];
  let parameters = 0;
  for (let i = 0; i + 1 < WIDE_WIDTHS.length; i++) {
    const fanIn = WIDE_WIDTHS[i] ?? 0;
    const fanOut = WIDE_WIDTHS[i + 1] ?? 0;
    const scale = Math.sqrt(6 / fanIn);
    const weights = Array.from({ length: fanIn }, () => uniformArray(random, fanOut, scale));
    const bias = uniformArray(random, fanOut, 0.01);
    const isLast = i + 2 === WIDE_WIDTHS.length;
    layers.push({ weights, bias, activation: isLast ? 'none' : 'relu' });
    parameters += fanIn * fanOut + fanOut;
  }
  const bytes = mlp({ name: 'bench_wide_mlp', layers, outputs: 'logits', inputName: WIDE_INPUT }).toBytes();
  const dir = mkdtempSync(join(parent, 'mlpatterns-bench-'));
  const file = join(dir, 'model.onnx');
  writeFileSync(file, bytes);
  return { dir, file, bytes: bytes.length, parameters };
}
