import { z } from 'zod';
import { defineStep } from '../define-step.js';
import { shapeError } from '../errors.js';
import { lastAxis, numericView, perFeature, selectTensor } from '../tensors.js';

const schema = z
  .strictObject({
    /** Tensor to scale. @default the first numeric tensor */
    input: z.string().min(1).optional(),
    /** Per-feature minimum seen in training (last axis); one value applies to all features. */
    min: z.array(z.number()).min(1),
    /** Per-feature maximum seen in training. */
    max: z.array(z.number()).min(1),
    /** Target range. @default [0, 1] */
    range: z.tuple([z.number(), z.number()]).default([0, 1]),
  })
  .refine((o) => o.min.length === o.max.length || o.min.length === 1 || o.max.length === 1, {
    message: 'min and max must have the same number of values (or one of them a single value)',
  })
  .refine((o) => o.range[0] < o.range[1], { message: 'must be [lo, hi] with lo < hi', path: ['range'] })
  .refine(
    (o) => {
      const n = Math.max(o.min.length, o.max.length);
      for (let i = 0; i < n; i++) {
        const lo = o.min.length === 1 ? o.min[0] : o.min[i];
        const hi = o.max.length === 1 ? o.max[0] : o.max[i];
        if (lo !== undefined && hi !== undefined && lo > hi) return false;
      }
      return true;
    },
    { message: 'every max must be >= its min' },
  );

/**
 * Min-max scaling along the last axis, float32 out: a MinMaxScaler exported
 * from training. Values outside [min, max] are not clipped (scikit-learn's
 * default), so drift stays visible to the model and to monitoring.
 */
export const scaleStep = defineStep({
  type: 'scale',
  stages: ['pre', 'post'],
  schema,
  create: (options, env) => (ctx) => {
    const { name, tensor } = selectTensor(ctx, options.input, env, 'numeric');
    const features = lastAxis(tensor);
    const fail = (reason: string): Error => shapeError(env, name, reason);
    const min = perFeature(options.min, features, 'min', fail);
    const max = perFeature(options.max, features, 'max', fail);
    const [lo, hi] = options.range;
    // A constant feature (max == min) would divide by zero; like scikit-learn, use a span of 1.
    const span = max.map((m, f) => (m - (min[f] ?? 0) === 0 ? 1 : m - (min[f] ?? 0)));
    const x = numericView(tensor);
    const out = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const f = i % features;
      out[i] = lo + (((x[i] ?? 0) - (min[f] ?? 0)) / (span[f] ?? 1)) * (hi - lo);
    }
    return { ...ctx, tensors: { ...ctx.tensors, [name]: { dtype: 'float32', shape: tensor.shape, data: out } } };
  },
});
