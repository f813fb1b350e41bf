import type { StepEnv } from './define-step.js';
import { stepFailure } from './errors.js';
import type { StepContext } from './step.js';

/**
 * The label of class `index`: the package's label, or the index as a string
 * when the package has no labels. An index past the end of the labels means
 * the labels do not belong to this model, which must not be papered over.
 */
export function labelOf(ctx: StepContext, index: number, env: StepEnv): string {
  if (ctx.labels === undefined || ctx.labels.length === 0) return String(index);
  const label = ctx.labels[index];
  if (label === undefined) {
    throw stepFailure(env, `class index ${index} has no label (the package has ${ctx.labels.length} labels)`);
  }
  return label;
}
