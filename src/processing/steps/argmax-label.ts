import { z } from 'zod';
import { isIntegerDType } from '../../tensor/dtype.js';
import { defineStep } from '../define-step.js';
import { shapeError } from '../errors.js';
import { labelOf } from '../labels.js';
import { numericView, rowsOf, selectTensor } from '../tensors.js';

const schema = z.strictObject({
  /**
   * Scores [N, C] to take the argmax of, or an integer class index per instance
   * ([N] / [N, 1], e.g. scikit-learn's `label` output). @default the first float output
   */
  output: z.string().min(1).optional(),
});

/** Sets `predictedLabels`: per instance, the label of the highest score (first one on ties, like numpy). */
export const argmaxLabelStep = defineStep({
  type: 'argmax-label',
  stages: ['post'],
  schema,
  create: (options, env) => (ctx) => {
    const { name, tensor } = selectTensor(ctx, options.output, env, 'float');
    const { rows, cols } = rowsOf(tensor);
    const x = numericView(tensor);
    const predicted: string[] = [];
    if (isIntegerDType(tensor.dtype) && cols === 1) {
      for (let r = 0; r < rows; r++) predicted.push(labelOf(ctx, x[r] ?? 0, env));
    } else {
      if (cols === 0 && rows > 0) throw shapeError(env, name, 'has no classes to take the argmax of');
      for (let r = 0; r < rows; r++) {
        let best = 0;
        for (let c = 1; c < cols; c++) if ((x[r * cols + c] ?? 0) > (x[r * cols + best] ?? 0)) best = c;
        predicted.push(labelOf(ctx, best, env));
      }
    }
    return { ...ctx, predictedLabels: predicted };
  },
});
