import type { NamedTensors, Tensor } from '../tensor/tensor.js';

/**
 * Derives one label per instance from a classifier's outputs when no
 * post-processing step did: a probability matrix [N, C] with C = labels (argmax),
 * or an integer class-index tensor [N] / [N, 1].
 */
export function autoLabels(outputs: NamedTensors, labels: readonly string[]): string[] | undefined {
  const tensors = Object.values(outputs);
  const proba = tensors.find((t) => isProbabilityMatrix(t, labels.length));
  if (proba) return argmaxLabels(proba, labels);
  const index = tensors.find((t) => isClassIndex(t));
  if (index) return indexLabels(index, labels);
  return undefined;
}

function isProbabilityMatrix(t: Tensor, classes: number): boolean {
  return (t.dtype === 'float32' || t.dtype === 'float64') && t.shape.length === 2 && t.shape[1] === classes;
}

function isClassIndex(t: Tensor): boolean {
  const intType = t.dtype === 'int64' || t.dtype === 'int32';
  return intType && (t.shape.length === 1 || (t.shape.length === 2 && t.shape[1] === 1));
}

function argmaxLabels(t: Tensor, labels: readonly string[]): string[] {
  const data = t.data as Float32Array | Float64Array;
  const n = t.shape[0] ?? 0;
  const c = labels.length;
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < c; j++) if ((data[i * c + j] ?? -Infinity) > (data[i * c + best] ?? -Infinity)) best = j;
    out[i] = labels[best] ?? String(best);
  }
  return out;
}

function indexLabels(t: Tensor, labels: readonly string[]): string[] | undefined {
  const data = t.data as BigInt64Array | Int32Array;
  const out = new Array<string>(data.length);
  for (let i = 0; i < data.length; i++) {
    const idx = Number(data[i]);
    const label = labels[idx];
    // An index outside the labels means these are not class indexes of these labels.
    if (label === undefined) return undefined;
    out[i] = label;
  }
  return out;
}
