import { z } from 'zod';
import { defineStep } from '../define-step.js';
import { shapeError } from '../errors.js';
import { lastAxis, numericView, perFeature, selectTensor } from '../tensors.js';

const schema = z
  .strictObject({
    /** Tensor to standardize. @default the first numeric tensor */
    input: z.string().min(1).optional(),
    /** Per-feature means (last axis); one value applies to all features. */
    mean: z.array(z.number()).min(1),
    /** Per-feature standard deviations; 0 is allowed and treated as 1 (a constant feature). */
    std: z.array(z.number().nonnegative()).min(1),
  })
  .refine((o) => o.mean.length === o.std.length || o.mean.length === 1 || o.std.length === 1, {
    message: 'mean and std must have the same number of values (or one of them a single value)',
  });

/** `(x - mean) / std` along the last axis, float32 out: a StandardScaler exported from training. */
export const standardizeStep = defineStep({
  type: 'standardize',
  stages: ['pre', 'post'],
  schema,
  create: (options, env) => (ctx) => {
    const { name, tensor } = selectTensor(ctx, options.input, env, 'numeric');
    const features = lastAxis(tensor);
    const fail = (reason: string): Error => shapeError(env, name, reason);
    const mean = perFeature(options.mean, features, 'mean', fail);
    // A zero std means the feature was constant in training; like scikit-learn,
    // leave it centred rather than dividing by zero into Infinity/NaN.
    const std = perFeature(options.std, features, 'std', fail).map((s) => (s === 0 ? 1 : s));
    const x = numericView(tensor);
    const out = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const f = i % features;
      out[i] = ((x[i] ?? 0) - (mean[f] ?? 0)) / (std[f] ?? 1);
    }
    return { ...ctx, tensors: { ...ctx.tensors, [name]: { dtype: 'float32', shape: tensor.shape, data: out } } };
  },
});
