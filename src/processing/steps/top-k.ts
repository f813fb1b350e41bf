import { z } from 'zod';
import { defineStep } from '../define-step.js';
import { labelOf } from '../labels.js';
import { numericView, rowsOf, selectTensor } from '../tensors.js';

const schema = z.strictObject({
  /** Scores [N, C]. @default the first float output */
  output: z.string().min(1).optional(),
  /** How many classes to keep per instance (fewer when the model has fewer). @default 3 */
  k: z.number().int().positive().default(3),
});

export interface TopKEntry {
  label: string;
  score: number;
}

/** `extras.top_k`: per instance, the k best `{label, score}`, highest first (lower index first on ties). */
export const topKStep = defineStep({
  type: 'top-k',
  stages: ['post'],
  schema,
  create: (options, env) => (ctx) => {
    const { tensor } = selectTensor(ctx, options.output, env, 'float');
    const { rows, cols } = rowsOf(tensor);
    const x = numericView(tensor);
    const topK: TopKEntry[][] = [];
    for (let r = 0; r < rows; r++) {
      const classes = Array.from({ length: cols }, (_, c) => c);
      // Array.prototype.sort is stable, so equal scores keep class order.
      classes.sort((a, b) => (x[r * cols + b] ?? 0) - (x[r * cols + a] ?? 0));
      topK.push(classes.slice(0, options.k).map((c) => ({ label: labelOf(ctx, c, env), score: x[r * cols + c] ?? 0 })));
    }
    return { ...ctx, extras: { ...ctx.extras, top_k: topK } };
  },
});
