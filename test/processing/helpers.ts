import { expect } from 'vitest';
import { buildSteps } from '../../src/processing/build.js';
import { runSteps } from '../../src/processing/run-steps.js';
import { createStepContext, type Stage, type StepContext } from '../../src/processing/step.js';
import type { MlError } from '../../src/errors/ml-error.js';
import type { ProcessingStepConfig } from '../../src/package/manifest.js';
import type { NamedTensors, Tensor } from '../../src/tensor/tensor.js';

export const PACKAGE_DIR = new URL('./fixtures/', import.meta.url).pathname;

export function f32(shape: number[], values: number[]): Tensor {
  return { dtype: 'float32', shape, data: Float32Array.from(values) };
}

/** Builds the given steps as a package would and runs them on `tensors`. */
export async function apply(
  configs: ProcessingStepConfig[],
  tensors: NamedTensors,
  options: { stage?: Stage; labels?: string[] } = {},
): Promise<StepContext> {
  const steps = await buildSteps(configs, { packageDir: PACKAGE_DIR, stage: options.stage ?? 'pre' });
  return runSteps(steps, createStepContext(tensors, options.labels));
}

/** Values of a tensor as plain numbers, for toBeCloseTo-style comparisons. */
export function values(tensor: Tensor | undefined): number[] {
  expect(tensor).toBeDefined();
  return Array.from(tensor?.data as ArrayLike<number>);
}

/** Asserts element-wise closeness (float32 rounding). */
export function expectClose(actual: readonly number[], expected: readonly number[], digits = 5): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => expect(v, `element ${i}`).toBeCloseTo(expected[i] ?? NaN, digits));
}

/** Awaits a rejection and returns it as an MlError for field checks. */
export async function rejection(promise: Promise<unknown>): Promise<MlError> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected the promise to reject').toBeDefined();
  return err as MlError;
}
