import { MlError } from '../errors/ml-error.js';
import type { ProcessingStepConfig } from '../package/manifest.js';
import type { StepEnv } from './define-step.js';
import type { ProcessingStep, Stage } from './step.js';
import { BUILTIN_STEPS } from './steps/index.js';

export interface BuildStepsOptions {
  /** Folder of the model package: reported in errors, base of relative paths. */
  readonly packageDir: string;
  readonly stage: Stage;
}

const SECTION: Record<Stage, string> = { pre: 'preprocess', post: 'postprocess' };

/**
 * Turns a manifest's `preprocess` or `postprocess` list into steps, validating
 * every step's options up front so a bad package fails when it loads, with
 * the offending entry named (`preprocess[0] (standardize): ...`).
 */
export async function buildSteps(
  configs: readonly ProcessingStepConfig[],
  options: BuildStepsOptions,
): Promise<ProcessingStep[]> {
  const { packageDir, stage } = options;
  const steps: ProcessingStep[] = [];
  for (const [index, config] of configs.entries()) {
    const { type, ...stepOptions } = config;
    const at = `${SECTION[stage]}[${index}]`;
    const definition = BUILTIN_STEPS.get(type);
    if (definition === undefined) {
      const known = [...BUILTIN_STEPS.keys()].join(', ');
      throw new MlError('INVALID_MANIFEST', { path: packageDir, reason: `${at}: unknown step type "${type}" (known: ${known})` });
    }
    if (!definition.stages.includes(stage)) {
      const allowed = definition.stages.map((s) => SECTION[s]).join(' or ');
      throw new MlError('INVALID_MANIFEST', { path: packageDir, reason: `${at} (${type}): only allowed in ${allowed}` });
    }
    const env: StepEnv = { packageDir, stage, location: `${at} (${type})` };
    steps.push(await definition.build(stepOptions, env));
  }
  return steps;
}
