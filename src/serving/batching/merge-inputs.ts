import { allocate } from '../../tensor/dtype.js';
import type { NamedTensors, Tensor, TensorData } from '../../tensor/tensor.js';

/**
 * Concatenates the inputs of compatible requests along dim 0 into freshly
 * allocated arrays: one copy per element, nothing else. The caller guarantees
 * compatibility (equal batch keys: same input names, dtypes, non-batch dims).
 */
export function mergeInputs(parts: readonly { readonly inputs: NamedTensors }[], totalRows: number): NamedTensors {
  const first = parts[0]?.inputs ?? {};
  const merged: NamedTensors = {};
  for (const name of Object.keys(first)) {
    const template = first[name] as Tensor;
    const rest = template.shape.slice(1);
    let rowElements = 1;
    for (const d of rest) rowElements *= d;
    const data = allocate(template.dtype, totalRows * rowElements);
    let offset = 0;
    for (const part of parts) {
      const source = (part.inputs[name] as Tensor).data;
      copyInto(data, source, offset);
      offset += source.length;
    }
    merged[name] = { dtype: template.dtype, shape: [totalRows, ...rest], data };
  }
  return merged;
}

/** A typed array's `set`, seen through the union (equal dtypes mean equal array classes). */
interface Settable {
  set(source: TensorData, offset: number): void;
}

function copyInto(target: TensorData, source: TensorData, offset: number): void {
  if (Array.isArray(target)) {
    const strings = source as readonly string[];
    for (let i = 0; i < strings.length; i++) target[offset + i] = strings[i] as string;
    return;
  }
  (target as unknown as Settable).set(source, offset);
}
