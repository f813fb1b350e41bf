import { MlError } from '../errors/ml-error.js';
import type { ProcessingStep, StepContext } from './step.js';

/**
 * Applies steps in order, each to the previous one's result. Errors that are
 * not MlErrors (a bug in a step) become INTERNAL naming the step, so a failing
 * request points at the manifest entry to look at.
 */
export async function runSteps(steps: readonly ProcessingStep[], ctx: StepContext): Promise<StepContext> {
  let current = ctx;
  for (const step of steps) {
    try {
      current = await step.apply(current);
    } catch (err) {
      if (err instanceof MlError) throw err;
      const reason = `${step.location}: ${err instanceof Error ? err.message : String(err)}`;
      throw new MlError('INTERNAL', { reason }, { cause: err });
    }
  }
  return current;
}
