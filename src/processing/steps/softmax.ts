import { z } from 'zod';
import { elementCount } from '../../tensor/tensor.js';
import { defineStep } from '../define-step.js';
import { shapeError } from '../errors.js';
import { numericView, selectTensor } from '../tensors.js';

const schema = z.strictObject({
  /** Tensor to normalize (in place, same name). @default the first float tensor */
  output: z.string().min(1).optional(),
  /** Axis to normalize over; negative counts from the end. @default -1 */
  axis: z.number().int().default(-1),
});

/**
 * Turns logits into probabilities along one axis. Subtracts the maximum first
 * so large logits do not overflow `exp` into Infinity/NaN. float64 stays
 * float64; everything else becomes float32, what ONNX models emit.
 */
export const softmaxStep = defineStep({
  type: 'softmax',
  stages: ['pre', 'post'],
  schema,
  create: (options, env) => (ctx) => {
    const { name, tensor } = selectTensor(ctx, options.output, env, 'float');
    const rank = tensor.shape.length;
    const axis = options.axis < 0 ? rank + options.axis : options.axis;
    if (rank > 0 && (axis < 0 || axis >= rank)) {
      throw shapeError(env, name, `axis ${options.axis} is out of range for a tensor of rank ${rank}`);
    }
    const size = tensor.shape[axis] ?? 1;
    const inner = elementCount(tensor.shape.slice(axis + 1));
    const x = numericView(tensor);
    const out = tensor.dtype === 'float64' ? new Float64Array(x.length) : new Float32Array(x.length);
    const groups = size === 0 ? 0 : x.length / size;
    for (let g = 0; g < groups; g++) {
      // Group g is one softmax vector: elements base, base+inner, ..., base+(size-1)*inner.
      const base = Math.floor(g / inner) * size * inner + (g % inner);
      let max = -Infinity;
      for (let i = 0; i < size; i++) max = Math.max(max, x[base + i * inner] ?? 0);
      let sum = 0;
      for (let i = 0; i < size; i++) {
        const e = Math.exp((x[base + i * inner] ?? 0) - max);
        out[base + i * inner] = e;
        sum += e;
      }
      for (let i = 0; i < size; i++) out[base + i * inner] = (out[base + i * inner] ?? 0) / sum;
    }
    return { ...ctx, tensors: { ...ctx.tensors, [name]: { dtype: out instanceof Float64Array ? 'float64' : 'float32', shape: tensor.shape, data: out } } };
  },
});
