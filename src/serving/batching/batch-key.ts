import type { NamedTensors } from '../../tensor/tensor.js';

/** How a request may be batched: its rows and the key of the requests it can merge with. */
export interface RequestShape {
  /** Rows along dim 0 (1 for a request without a batch dimension). */
  readonly rows: number;
  /**
   * Requests with equal keys can be concatenated along dim 0: same signature,
   * same requested outputs, same input names, dtypes and non-batch dims.
   * Undefined when the request cannot be merged with anything (see below).
   */
  readonly key: string | undefined;
}

// Separators that cannot occur in dtype names or numbers; names containing
// them would at worst split batches differently, never merge incompatible ones
// (the dims and dtypes are still compared through the same string).
const FIELD = '\u0000';
const PART = '\u0001';

/**
 * Computes a request's batch key in one pass over its inputs. A request is
 * unmergeable when an input has no batch dimension, when inputs disagree on
 * dim 0 (some input is not batched, so concatenating would corrupt it), or
 * when an input's data length does not match its shape.
 */
export function describeRequest(inputs: NamedTensors, signature: string, outputs: readonly string[]): RequestShape {
  // Sorted, so that the same inputs built in another property order still merge.
  const names = Object.keys(inputs).sort();
  let rows = -1;
  let mergeable = names.length > 0;
  let key = signature + FIELD + outputs.join(PART);
  for (const name of names) {
    const tensor = inputs[name];
    if (tensor === undefined) continue;
    const { shape } = tensor;
    const first = shape[0];
    if (first === undefined) {
      mergeable = false;
      continue;
    }
    if (rows === -1) rows = first;
    else if (first !== rows) mergeable = false;
    let rowElements = 1;
    let dims = '';
    for (let i = 1; i < shape.length; i++) {
      const d = shape[i] as number;
      rowElements *= d;
      dims += i === 1 ? String(d) : ',' + d;
    }
    if (tensor.data.length !== first * rowElements) mergeable = false;
    key += FIELD + name + PART + tensor.dtype + PART + dims;
  }
  return { rows: Math.max(rows, 1), key: mergeable ? key : undefined };
}
