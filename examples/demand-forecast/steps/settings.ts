/**
 * Typed reads of a step's parameters (`ctx.params`): the runner already checked the pipeline
 * parameters against their declared types, but `with:` settings are free-form, and a step
 * run through the TypeScript API may get anything — so a wrong value fails with its name.
 */
import type { StepContext } from '../../../src/pipelines/types.js';

export function numberSetting(ctx: StepContext, name: string, fallback?: number): number {
  const value = ctx.params[name] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`step ${ctx.step}: "${name}" must be a number (got ${JSON.stringify(value)})`);
  return value;
}

export function integerSetting(ctx: StepContext, name: string, fallback?: number): number {
  const value = numberSetting(ctx, name, fallback);
  if (!Number.isInteger(value)) throw new Error(`step ${ctx.step}: "${name}" must be an integer (got ${value})`);
  return value;
}

export function stringSetting(ctx: StepContext, name: string, fallback?: string): string {
  const value = ctx.params[name] ?? fallback;
  if (typeof value !== 'string' || value === '') throw new Error(`step ${ctx.step}: "${name}" must be a non-empty string (got ${JSON.stringify(value)})`);
  return value;
}

/** The folder of a declared input or output (a missing one is a mistake in pipeline.yaml). */
export function folder(ctx: StepContext, kind: 'inputs' | 'outputs', name: string): string {
  const dir = ctx[kind][name];
  if (dir === undefined) throw new Error(`step ${ctx.step} needs ${kind === 'inputs' ? 'an input' : 'an output'} named "${name}" in pipeline.yaml`);
  return dir;
}
