// The prep service's model: the package's `image` pre-processing step has already decoded,
// converted to grayscale, resized and scaled each image to [N, 1, 16, 16]; this only flattens it
// into the 256 features (row-major) the classifier on the prediction server takes.
// Type-only import: at run time the module needs nothing from mlpatterns.
import type { FunctionModelDefinition } from '../../../src/runtime/function/index.js';

const SIDE = 16;

export default {
  signatures: {
    features: {
      inputs: [{ name: 'pixels', dtype: 'float32', shape: [-1, 1, SIDE, SIDE] }],
      outputs: [{ name: 'features', dtype: 'float32', shape: [-1, SIDE * SIDE] }],
      default: true,
    },
  },
  run({ pixels }) {
    if (pixels === undefined) throw new Error('missing input "pixels" (made by the image pre-processing step)');
    const rows = pixels.shape[0] ?? 0;
    // NCHW with one channel is already row-major pixels: a reshape, no copy.
    return { features: { dtype: 'float32', shape: [rows, SIDE * SIDE], data: pixels.data } };
  },
} satisfies FunctionModelDefinition;
