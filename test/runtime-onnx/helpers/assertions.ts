import { expect } from 'vitest';
import { MlError } from '../../../src/errors/ml-error.js';
import type { Tensor } from '../../../src/tensor/tensor.js';

export async function expectMlError(promise: Promise<unknown>, code: string): Promise<MlError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MlError);
  expect((err as MlError).code).toBe(code);
  return err as MlError;
}

/** Resolves to how `promise` settled, without throwing. */
export function settled<T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  return promise.then(
    (value) => ({ status: 'fulfilled', value }),
    (reason: unknown) => ({ status: 'rejected', reason }),
  );
}

/** A tensor's values as a plain array (numbers, bigints or strings), for toEqual. */
export function valuesOf(tensor: Tensor | undefined): unknown[] {
  return tensor === undefined ? [] : Array.from(tensor.data as ArrayLike<unknown>);
}
