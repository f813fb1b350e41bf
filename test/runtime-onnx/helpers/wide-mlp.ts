import { mlp, type DenseLayer } from '../../../src/onnx/writer/index.js';
import type { Tensor } from '../../../src/tensor/tensor.js';

/** The wide MLP: 256→1024→1024→1024→10, about 1 ms per 64 rows on 2 cores. */
export const WIDE_WIDTHS = [256, 1024, 1024, 1024, 10] as const;
export const WIDE_FEATURES = WIDE_WIDTHS[0];

/** A small seeded generator (Park–Miller), so both executors see the same weights and inputs. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 16807) % 2147483647;
    return state / 2147483647;
  };
}

let cached: Uint8Array | undefined;

/** The model's bytes (built once per test file: ~2.4 M weights take a moment). Outputs "logits" and "label". */
export function wideMlpBytes(): Uint8Array {
  if (cached) return cached;
  const random = seeded(20261121);
  const layers: DenseLayer[] = [];
  for (let i = 0; i + 1 < WIDE_WIDTHS.length; i++) {
    const fanIn = WIDE_WIDTHS[i] ?? 0;
    const fanOut = WIDE_WIDTHS[i + 1] ?? 0;
    // He-like scaling keeps activations finite through three relu layers.
    const scale = Math.sqrt(6 / fanIn);
    const weights = Array.from({ length: fanIn }, () => Array.from({ length: fanOut }, () => (random() * 2 - 1) * scale));
    const bias = Array.from({ length: fanOut }, () => (random() * 2 - 1) * 0.01);
    layers.push({ weights, bias, activation: i + 2 === WIDE_WIDTHS.length ? 'none' : 'relu' });
  }
  cached = mlp({ name: 'wide_mlp', layers, outputs: 'logits' }).toBytes();
  return cached;
}

export function wideInput(rows: number, seed = 7): { features: Tensor } {
  const random = seeded(seed);
  const data = Float32Array.from({ length: rows * WIDE_FEATURES }, () => random() * 2 - 1);
  return { features: { dtype: 'float32', shape: [rows, WIDE_FEATURES], data } };
}
