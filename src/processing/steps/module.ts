import { z } from 'zod';
import { resolveInsidePackage } from '../../package/package-path.js';
import { asMlError } from '../../runtime/function/foreign-error.js';
import { importModule } from '../../runtime/function/import-module.js';
import { defineStep, invalidStep } from '../define-step.js';
import { stepFailure } from '../errors.js';
import type { StepContext } from '../step.js';

const schema = z.strictObject({
  /** Module file relative to the package folder: .js/.mjs, or .ts (compiled on load by tsx). */
  path: z.string().min(1),
  /** Export holding the step function. @default "default" */
  export: z.string().min(1).default('default'),
});

/** What a `module` step's export must be. */
export type StepFunction = (ctx: StepContext) => StepContext | Promise<StepContext>;

/**
 * A step written by the package author. The module is imported once, when the
 * package loads, so a missing file or export fails the load instead of the
 * first request. Each load gets its own instance of the module, so its
 * top-level state is per load (and per step entry), never shared with
 * another load of the same package.
 */
export const moduleStep = defineStep({
  type: 'module',
  stages: ['pre', 'post'],
  schema,
  create: async (options, env) => {
    // Keep package references inside the package, so a package stays self-contained
    // and a manifest cannot pull in arbitrary files from the host.
    const file = resolveInsidePackage(env.packageDir, options.path);
    if (file === undefined) throw invalidStep(env, `path "${options.path}" leaves the package folder`);
    const namespace = await importModule(file).catch((err: unknown) => {
      throw invalidStep(env, `${options.path}: ${err instanceof Error ? err.message : String(err)}`, err);
    });
    const fn = namespace[options.export];
    if (typeof fn !== 'function') {
      throw invalidStep(env, `${options.path} has no function export "${options.export}"`);
    }
    const stepFn = fn as StepFunction;
    return async (ctx) => {
      let result: unknown;
      try {
        result = await stepFn(ctx);
      } catch (err) {
        throw asMlError(err) ?? stepFailure(env, err instanceof Error ? err.message : String(err), err);
      }
      if (!isContext(result)) {
        throw stepFailure(env, `${options.path} must return the step context ({ tensors, extras, ... })`);
      }
      return result;
    };
  },
});

function isContext(value: unknown): value is StepContext {
  if (typeof value !== 'object' || value === null) return false;
  const { tensors, extras } = value as Partial<StepContext>;
  return typeof tensors === 'object' && tensors !== null && typeof extras === 'object' && extras !== null;
}
