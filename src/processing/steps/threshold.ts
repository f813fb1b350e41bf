import { z } from 'zod';
import { defineStep } from '../define-step.js';
import { shapeError } from '../errors.js';
import { numericView, rowsOf, selectTensor } from '../tensors.js';

const schema = z.strictObject({
  /** Scores [N] or [N, C]. @default the first float output */
  output: z.string().min(1).optional(),
  /** Column to compare. @default the last one (the positive class of a binary classifier) */
  column: z.number().int().nonnegative().optional(),
  /** A score >= threshold flags the instance. */
  threshold: z.number(),
  /** Key in `extras`; distinct names let several thresholds (one-vs-rest) coexist. @default "flag" */
  name: z.string().min(1).default('flag'),
});

/** `extras[name]`: per instance 1 when the chosen score reaches the threshold, else 0. */
export const thresholdStep = defineStep({
  type: 'threshold',
  stages: ['post'],
  schema,
  create: (options, env) => (ctx) => {
    const { name, tensor } = selectTensor(ctx, options.output, env, 'float');
    const { rows, cols } = rowsOf(tensor);
    const column = options.column ?? cols - 1;
    if (column < 0 || column >= cols) {
      throw shapeError(env, name, `column ${column} is out of range: each instance has ${cols} scores`);
    }
    const x = numericView(tensor);
    const flags: number[] = [];
    for (let r = 0; r < rows; r++) flags.push((x[r * cols + column] ?? NaN) >= options.threshold ? 1 : 0);
    return { ...ctx, extras: { ...ctx.extras, [options.name]: flags } };
  },
});
