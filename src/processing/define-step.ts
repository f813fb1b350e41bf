import type { z } from 'zod';
import { MlError } from '../errors/ml-error.js';
import { formatIssues } from '../package/format-issues.js';
import type { ProcessingStep, Stage, StepContext } from './step.js';

/** What a step factory knows about where it is being built. */
export interface StepEnv {
  /** Folder of the model package; relative paths in options resolve against it. */
  readonly packageDir: string;
  readonly stage: Stage;
  /** e.g. `preprocess[0] (standardize)`. */
  readonly location: string;
}

/** A built-in step type, with its options already type-erased so built-ins fit one registry. */
export interface StepDefinition {
  readonly type: string;
  /** Stages the step makes sense in; building it elsewhere is a manifest error. */
  readonly stages: readonly Stage[];
  /** Validates `options` (the step config minus `type`) and builds the step. */
  build(options: Record<string, unknown>, env: StepEnv): Promise<ProcessingStep>;
}

export interface StepSpec<S extends z.ZodType> {
  readonly type: string;
  readonly stages: readonly Stage[];
  /** Options schema; use a strict object so a typo in the manifest fails at load, not silently. */
  readonly schema: S;
  /** Builds the step's `apply` from validated options. May be async (e.g. to import a module). */
  create(
    options: z.output<S>,
    env: StepEnv,
  ): ((ctx: StepContext) => Promise<StepContext> | StepContext) | Promise<(ctx: StepContext) => Promise<StepContext> | StepContext>;
}

/** Declares a step type: ties its zod schema to its factory and reports bad options as INVALID_MANIFEST. */
export function defineStep<S extends z.ZodType>(spec: StepSpec<S>): StepDefinition {
  return {
    type: spec.type,
    stages: spec.stages,
    async build(options, env) {
      const parsed = spec.schema.safeParse(options);
      if (!parsed.success) throw invalidStep(env, formatIssues(parsed.error.issues));
      const apply = await spec.create(parsed.data, env);
      return { type: spec.type, location: env.location, apply };
    },
  };
}

/** The manifest error every build-time problem of a step becomes. */
export function invalidStep(env: StepEnv, reason: string, cause?: unknown): MlError {
  return new MlError(
    'INVALID_MANIFEST',
    { path: env.packageDir, reason: `${env.location}: ${reason}` },
    cause === undefined ? undefined : { cause },
  );
}
